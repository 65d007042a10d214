using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Faces;

/// <summary>What a face is to the roster: nobody, a person must look, or a restricted student.</summary>
public enum FaceDecision
{
    None,
    Review,
    Match,
}

/// <summary>
/// One face against the roster. <see cref="PersonId"/> is the most likely restricted student (null
/// when no candidate was compared) and is for the audit record and roster-scoped review only.
/// </summary>
public sealed record FaceMatchResult(FaceDecision Decision, double Score, double Similarity, string? PersonId);

/// <summary>
/// Matches a face against the templates of restricted students. Every person may have several
/// templates (enrol from 3 or more photos, re-enrol each school year): a person's similarity is the
/// best over their templates. With <see cref="FaceScoring.Centered"/> the score is that similarity
/// minus the face's mean similarity with the other enrolled people (shrunk towards a measured
/// population mean), which is what keeps children's look-alike faces from matching everyone.
/// Candidates can be narrowed to the students a post may show (its schools): a face can only
/// falsely match someone it is compared with, while the whole roster still serves as the cohort.
/// </summary>
public sealed class FaceMatcher
{
    private readonly FaceThresholdSet _thresholds;

    public FaceMatcher(FaceThresholdSet thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Review > thresholds.Match)
        {
            throw new ArgumentException("The review threshold must not be above the match threshold.", nameof(thresholds));
        }

        _thresholds = thresholds;
    }

    public FaceThresholdSet Thresholds => _thresholds;

    /// <param name="probe">The face's L2-normalised embedding, of the templates' embedder.</param>
    /// <param name="templates">Every restricted student's templates for this embedder (the cohort).</param>
    /// <param name="candidates">The students this face may be compared with; null for all of them.</param>
    public FaceMatchResult Match(ReadOnlySpan<float> probe, FaceTemplateSet templates, IReadOnlySet<string>? candidates = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        if (templates.Count == 0)
        {
            return new FaceMatchResult(FaceDecision.None, double.NegativeInfinity, double.NegativeInfinity, null);
        }

        // Best similarity per person, over their templates.
        var raw = templates.Index.Scores(probe);
        var perPerson = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Length; i++)
        {
            var id = templates.PersonIds[i];
            if (!perPerson.TryGetValue(id, out var s) || raw[i] > s)
            {
                perPerson[id] = raw[i];
            }
        }

        var total = perPerson.Values.Sum();
        var others = perPerson.Count - 1;
        var best = (Id: (string?)null, Score: double.NegativeInfinity, Similarity: double.NegativeInfinity);
        foreach (var (id, similarity) in perPerson)
        {
            if (candidates is not null && !candidates.Contains(id))
            {
                continue;
            }

            var score = _thresholds.Scoring == FaceScoring.Centered
                ? similarity - (((total - similarity) + (_thresholds.CohortMean * FaceMatchThresholds.CohortPrior)) / (others + FaceMatchThresholds.CohortPrior))
                : similarity;
            if (score > best.Score)
            {
                best = (id, score, similarity);
            }
        }

        var decision = best.Score >= _thresholds.Match ? FaceDecision.Match
            : best.Score >= _thresholds.Review ? FaceDecision.Review
            : FaceDecision.None;
        return new FaceMatchResult(decision, best.Score, best.Similarity, best.Id);
    }
}
