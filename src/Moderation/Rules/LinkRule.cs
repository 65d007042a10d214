using Kusd.Moderation.Links;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>link/external</c>: links to personal or commercial websites, in visible text (full URLs, "www." and
/// bare "host.tld/path") and in link targets and image sources. Classes follow DESIGN.md "Defaults".
/// </summary>
public sealed class LinkRule : TextRule
{
    public override string Name => "links";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        // Read the raw text, not the normalised one: folding look-alike letters would turn a Cyrillic
        // "kusd.edu" into the district's own domain.
        var suffixes = PublicSuffixList.Default;
        var classifier = new LinkClassifier(context.Options, suffixes);
        var reported = new HashSet<TextSpan>();
        foreach (var segment in field.Segments)
        {
            foreach (var (start, end, url) in Find(segment, suffixes))
            {
                var result = classifier.Classify(url);
                if (result.Class == LinkClass.Allowed)
                {
                    continue;
                }

                var span = segment.ToFieldSpan(start, end);
                if (span.Length == 0 || !reported.Add(span))
                {
                    continue;
                }

                findings.Add(new Finding
                {
                    RuleId = RuleIds.LinkExternal,
                    Severity = result.Class is LinkClass.Personal or LinkClass.Commercial ? Severity.Error : Severity.Warning,
                    Message = result.Message,
                    Policy = PolicyRefs.Links,
                    Target = FindingTarget.Text(field.Name),
                    Span = span,
                    Evidence = field.Original[span.Start..span.End],
                });
            }
        }
    }

    private static IEnumerable<UrlOccurrence> Find(TextSegment segment, PublicSuffixList suffixes)
    {
        switch (segment.Kind)
        {
            case SegmentKind.LinkTarget:
                if (Target(segment.Text, 0, segment.Text.Length) is { } link)
                {
                    yield return link;
                }

                break;
            case SegmentKind.ImageSource:
                // src is one URL; srcset is "url 1x, url 2x": every token that is a URL counts.
                var text = segment.Text;
                var i = 0;
                while (i < text.Length)
                {
                    while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
                    {
                        i++;
                    }

                    var tokenStart = i;
                    while (i < text.Length && !char.IsWhiteSpace(text[i]))
                    {
                        i++;
                    }

                    var tokenEnd = i;
                    while (tokenEnd > tokenStart && text[tokenEnd - 1] == ',')
                    {
                        tokenEnd--;
                    }

                    if (tokenEnd > tokenStart && Target(text, tokenStart, tokenEnd) is { } source)
                    {
                        yield return source;
                    }
                }

                break;
            default:
                foreach (var occurrence in UrlExtractor.FindInText(segment.Text, suffixes))
                {
                    yield return occurrence;
                }

                break;
        }
    }

    private static UrlOccurrence? Target(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end > start && UrlExtractor.ParseTarget(text[start..end]) is { } url ? new UrlOccurrence(start, end, url) : null;
    }
}
