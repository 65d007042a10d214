
namespace Kusd.Moderation.Images;

/// <summary>
/// <c>image/location</c> (a note: sanitized images lose all metadata) and <c>copyright/notice</c> (a
/// warning when a copyright or credit field names someone other than the district). Reads headers only.
/// </summary>
public sealed class ImageMetadataRule : IImageRule
{
    // Creator fields (EXIF Artist, IPTC By-line, dc:creator) often hold a staff photographer's name;
    // only fields that state rights or a credit line are taken as a copyright claim.
    private static readonly HashSet<string> RightsFields = new(StringComparer.Ordinal)
    {
        "Copyright", "CopyrightNotice", "Credit", "rights", "Owner",
    };

    private readonly IReadOnlyList<string> _districtNames;

    public ImageMetadataRule(IEnumerable<string> districtNames)
    {
        ArgumentNullException.ThrowIfNull(districtNames);
        _districtNames = [.. districtNames.Where(n => !string.IsNullOrWhiteSpace(n))];
    }

    public string Name => "image-metadata";

    public IReadOnlyDictionary<string, string> Models { get; } = new Dictionary<string, string>();

    public void Analyze(ImageCheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        var district = _districtNames.Concat(context.Check.Options.DistrictDomains).ToList();
        var report = context.Image.Metadata;
        var target = context.Image.Target;
        if (report.Locations.Count > 0)
        {
            findings.Add(new Finding
            {
                RuleId = RuleIds.ImageLocation,
                Severity = Severity.Note,
                Message = "This image records where it was taken; publish the sanitized copy, which has no metadata.",
                Policy = PolicyRefs.PersonallyIdentifiable,
                Target = target,
                // The tag names, never the coordinates: a verdict must not repeat a student's whereabouts.
                Evidence = string.Join(", ", report.Locations.Select(l => l.Source + " " + l.Field).Distinct(StringComparer.Ordinal)),
            });
        }

        foreach (var credit in report.Credits.Where(c => RightsFields.Contains(c.Field)))
        {
            if (district.Any(d => credit.Value.Contains(d, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            findings.Add(new Finding
            {
                RuleId = RuleIds.CopyrightNotice,
                Severity = Severity.Warning,
                Message = $"The image's {credit.Source} {credit.Field} names a rights holder other than the district; publish only with written consent and attribution.",
                Policy = PolicyRefs.Copyright,
                Target = target,
                Evidence = credit.Value,
            });
        }
    }
}
