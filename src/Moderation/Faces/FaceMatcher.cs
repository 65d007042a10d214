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
    public FaceMatchResult Match(float[] probe, FaceTemplateSet templates, IReadOnlySet<string>? candidates = null) =>
        MatchAll([probe], templates, candidates)[0];

    /// <summary>
    /// Every face of a photo in one pass over the templates (<see cref="EmbeddingIndex.ScoresMany"/>); each result
    /// is the one <see cref="Match"/> gives for that face alone.
    /// </summary>
    public IReadOnlyList<FaceMatchResult> MatchAll(IReadOnlyList<float[]> probes, FaceTemplateSet templates, IReadOnlySet<string>? candidates = null)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(templates);
        if (templates.Count == 0)
        {
            return [.. probes.Select(_ => new FaceMatchResult(FaceDecision.None, double.NegativeInfinity, double.NegativeInfinity, null))];
        }

        var scores = templates.Index.ScoresMany(probes);
        var bestOfPerson = new double[templates.People.Count];
        var results = new FaceMatchResult[probes.Count];
        for (var p = 0; p < probes.Count; p++)
        {
            results[p] = Decide(scores[p], templates, candidates, bestOfPerson);
        }

        return results;
    }

    private FaceMatchResult Decide(float[] raw, FaceTemplateSet templates, IReadOnlySet<string>? candidates, double[] perPerson)
    {
        // Best similarity per person, over their templates.
        Array.Fill(perPerson, double.NegativeInfinity);
        var ordinals = templates.PersonOrdinals;
        for (var i = 0; i < raw.Length; i++)
        {
            ref var best = ref perPerson[ordinals[i]];
            if (raw[i] > best)
            {
                best = raw[i];
            }
        }

        // Summed in the order people first appear, as a dictionary of them would be.
        var total = 0.0;
        foreach (var similarity in perPerson)
        {
            total += similarity;
        }

        var people = templates.People;
        var others = perPerson.Length - 1;
        var top = (Id: (string?)null, Score: double.NegativeInfinity, Similarity: double.NegativeInfinity);
        for (var person = 0; person < perPerson.Length; person++)
        {
            if (candidates is not null && !candidates.Contains(people[person]))
            {
                continue;
            }

            var similarity = perPerson[person];
            var score = _thresholds.Scoring == FaceScoring.Centered
                ? similarity - (((total - similarity) + (_thresholds.CohortMean * FaceMatchThresholds.CohortPrior)) / (others + FaceMatchThresholds.CohortPrior))
                : similarity;
            if (score > top.Score)
            {
                top = (people[person], score, similarity);
            }
        }

        var decision = top.Score >= _thresholds.Match ? FaceDecision.Match
            : top.Score >= _thresholds.Review ? FaceDecision.Review
            : FaceDecision.None;
        return new FaceMatchResult(decision, top.Score, top.Similarity, top.Id);
    }
}
