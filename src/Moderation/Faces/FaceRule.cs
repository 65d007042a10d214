using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Faces;

/// <summary>Who matched, kept apart from the verdict: only the audit record of a check may see it.</summary>
/// <param name="InReviewBand">
/// True when the face only resembles the person (the review band): the one a person who knows the children
/// should look at, with this person's name as the question to answer.
/// </param>
public sealed record FaceMatch(string Field, ImageRegion Region, string PersonId, double Similarity, bool InReviewBand = false);

/// <summary>
/// <c>media-restriction/face</c> and <c>face/unverified</c>: every face of every image against every
/// template of a restricted student. Callers learn where a restricted face is and how sure we are,
/// never whose it is.
/// </summary>
public sealed class FaceRule : IImageRule
{
    private readonly IFaceAnalyzer _analyzer;
    private readonly IFaceTemplateProvider _templates;
    private readonly FaceMatcher _matcher;

    /// <param name="embedder">Whose measured thresholds apply; null: the analyzer's own embedder.</param>
    public FaceRule(IFaceAnalyzer analyzer, IFaceTemplateProvider templates, FaceMatchOptions options, FaceEmbedderKind? embedder = null)
    {
        _analyzer = analyzer ?? throw new ArgumentNullException(nameof(analyzer));
        _templates = templates ?? throw new ArgumentNullException(nameof(templates));
        ArgumentNullException.ThrowIfNull(options);
        _matcher = new FaceMatcher(options.Resolve(embedder ?? FaceMatchThresholds.KindOf(analyzer.EmbedderId)));
    }

    public string Name => "faces";

    public IReadOnlyDictionary<string, string> Models => _analyzer.Models;

    public void Analyze(ImageCheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        var templates = _templates.GetTemplates(_analyzer.EmbedderId, _analyzer.EmbeddingSize);
        var candidates = Candidates(context.Check);
        var matches = new List<FaceMatch>();
        var image = context.Image;
        var analysis = _analyzer.Analyze(image.Pixels, cancellationToken);
        var target = image.Target;

        // All recognisable faces of the photo against the templates in one pass (a class photo has dozens).
        var recognisable = analysis.Faces.Where(f => f.Embedding is not null && f.Quality.IsRecognizable).ToList();
        IReadOnlyList<FaceMatchResult> results = templates.Count == 0 ? [] : _matcher.MatchAll([.. recognisable.Select(f => f.Embedding!)], templates, candidates);
        var next = 0;
        foreach (var face in analysis.Faces)
        {
            var region = ToRegion(face.Box, analysis.ImageWidth, analysis.ImageHeight);
            if (face.Embedding is null || !face.Quality.IsRecognizable)
            {
                // Only a roster with protected faces makes an unrecognisable face a risk.
                if (templates.Count > 0)
                {
                    findings.Add(new Finding
                    {
                        RuleId = RuleIds.FaceUnverified,
                        Severity = Severity.Warning,
                        Message = $"This face cannot be checked against the media-restriction roster ({face.Quality.Reason ?? "low quality"}); a person must look at it.",
                        Policy = PolicyRefs.MediaRestriction,
                        Target = target,
                        Region = region,
                        Confidence = Math.Round(face.DetectionScore, 3),
                    });
                }

                continue;
            }

            if (templates.Count == 0)
            {
                continue;
            }

            var result = results[next++];
            if (result.Decision != FaceDecision.None)
            {
                var isMatch = result.Decision == FaceDecision.Match;
                var similarity = result.Similarity;
                matches.Add(new FaceMatch(image.Source.Field, region, result.PersonId!, similarity, InReviewBand: !isMatch));
                findings.Add(new Finding
                {
                    RuleId = RuleIds.MediaRestrictionFace,
                    Severity = isMatch ? Severity.Error : Severity.Warning,
                    Message = isMatch
                        ? "This face matches a student with a media restriction on file."
                        : "This face resembles a student with a media restriction on file; a person must look before publishing.",
                    Policy = PolicyRefs.MediaRestriction,
                    Target = target,
                    Region = region,
                    Confidence = Math.Round(similarity, 3),
                });
            }
        }

        foreach (var match in matches)
        {
            context.Check.Audit.Add(match);
        }
    }

    /// <summary>The restricted students of the schools the check names (null: all of them; FaceMatcher still normalises over all).</summary>
    private static HashSet<string>? Candidates(Rules.CheckContext check)
    {
        var schools = check.Request.Schools;
        if (schools.Count == 0)
        {
            return null;
        }

        return check.Roster.Roster.People
            .Where(p => p.MediaRestriction && p.Schools.Any(s => schools.Contains(s, StringComparer.OrdinalIgnoreCase)))
            .Select(p => p.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static ImageRegion ToRegion(BoxF box, int width, int height)
    {
        var x = Math.Clamp((int)MathF.Floor(box.X), 0, Math.Max(0, width - 1));
        var y = Math.Clamp((int)MathF.Floor(box.Y), 0, Math.Max(0, height - 1));
        var right = Math.Clamp((int)MathF.Ceiling(box.Right), x + 1, Math.Max(x + 1, width));
        var bottom = Math.Clamp((int)MathF.Ceiling(box.Bottom), y + 1, Math.Max(y + 1, height));
        return new ImageRegion(x, y, right - x, bottom - y);
    }
}
