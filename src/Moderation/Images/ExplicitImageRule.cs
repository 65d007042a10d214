using Kusd.Moderation.Models.Explicit;

namespace Kusd.Moderation.Images;

/// <summary>
/// <c>explicit/image</c>: the nsfwjs classifier on the whole image. Clear pornography is an error;
/// uncertain explicit scores and very high "sexy" scores go to a person. A suggestive score alone never rejects.
/// </summary>
public sealed class ExplicitImageRule : IImageRule
{
    private readonly ExplicitImageClassifier _classifier;
    private readonly ExplicitImageThresholds _thresholds;

    public ExplicitImageRule(ExplicitImageClassifier classifier, ExplicitImageThresholds thresholds)
    {
        _classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        _thresholds = thresholds ?? throw new ArgumentNullException(nameof(thresholds));
        Models = new Dictionary<string, string>(StringComparer.Ordinal) { ["explicit-image"] = classifier.Version };
    }

    public string Name => "explicit-image";

    public IReadOnlyDictionary<string, string> Models { get; }

    public void Analyze(ImageCheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        var scores = _classifier.Classify(context.Image.Pixels, cancellationToken);
        if (Judge(scores, context.Image.Target, context.Image.WholeImage) is { } finding)
        {
            findings.Add(finding);
        }
    }

    /// <summary>The finding for one image's scores, or null when it passes.</summary>
    public Finding? Judge(ExplicitScores scores, FindingTarget target, ImageRegion region)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var t = _thresholds;
        double explicitSum = scores.Porn + scores.Hentai;
        var reject = scores.Porn >= t.RejectPorn || scores.Hentai >= t.RejectHentai || explicitSum >= t.RejectPornPlusHentai;
        var reviewExplicit = explicitSum >= t.ReviewPornPlusHentai;
        var reviewSexy = scores.Sexy >= t.ReviewSexy;
        if (!reject && !reviewExplicit && !reviewSexy)
        {
            return null;
        }

        return new Finding
        {
            RuleId = RuleIds.ExplicitImage,
            Severity = reject ? Severity.Error : Severity.Warning,
            Message = reject
                ? "This image appears to be sexually explicit."
                : reviewExplicit
                    ? "This image may be sexually explicit; a person must look before publishing."
                    : "This image may be sexually suggestive; a person must look before publishing.",
            Policy = PolicyRefs.Explicit,
            Target = target,
            Region = region,
            Confidence = Math.Round(reject || reviewExplicit ? explicitSum : scores.Sexy, 3),
        };
    }
}
