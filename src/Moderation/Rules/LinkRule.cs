using Kusd.Moderation.Links;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>link/external</c>: links a reader can follow to personal or commercial websites: <c>a[href]</c>,
/// <c>area[href]</c>, Markdown links and autolinks, and URL-shaped text in prose (a scheme, "www.", a registrable
/// host followed by a path, or a bare host under a TLD people type). Classes follow DESIGN.md "Defaults".
/// </summary>
/// <remarks>
/// <para>Not links, so never reported: what a page loads (stylesheets, fonts, preconnect hints, icons, scripts,
/// iframe embeds, form endpoints, image sources) and code (Markdown code spans and blocks). A third-party resource
/// gives no note either: it is not published text, and the image rules check the images a post carries.</para>
/// <para>Severity: personal and commercial sites (an unknown host under a commercial TLD such as .com) are errors;
/// shorteners, hosts outside any public domain and unknown hosts under other TLDs (.org, .net, most country codes)
/// are warnings for a person: on the real-content sites most such links were nonprofits, charities and public
/// bodies abroad, which the policy does not forbid, while the .com links were businesses.</para>
/// <para>One link, one finding: link text that is its own address ("[x.com/a](http://x.com/a)") is reported once,
/// at the link target. The same address at two places is reported at each.</para>
/// <para>Text read from an image (field "&lt;image&gt;#text"): only a URL with a scheme or "www." counts, and it is
/// a warning at most, since OCR text cannot be clicked and host names in a screenshot are not links.</para>
/// </remarks>
public sealed class LinkRule : TextRule
{
    public override string Name => "links";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        // Read the raw text, not the normalised one: folding look-alike letters would turn a Cyrillic
        // "kusd.edu" into the district's own domain.
        var suffixes = PublicSuffixList.Default;
        var classifier = new LinkClassifier(context.Options, suffixes);
        var fromImage = Images.ImageTextStage.IsImageTextField(field.Name);
        var found = new List<(TextSpan Span, LinkUrl Url, bool IsTarget)>();
        foreach (var segment in field.Segments)
        {
            foreach (var (start, end, url) in Find(segment, suffixes, fromImage))
            {
                var span = segment.ToFieldSpan(start, end);
                if (span.Length > 0)
                {
                    found.Add((span, url, segment.Kind == SegmentKind.LinkTarget));
                }
            }
        }

        // Link targets by address, each list in text order: a URL in visible text is compared only with the targets
        // of its own address near it, so a page of thousands of links costs linear time, not links x targets.
        var targets = found.Where(f => f.IsTarget)
            .GroupBy(f => AddressKey(f.Url), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Span).OrderBy(t => t.Start).ToArray(), StringComparer.Ordinal);
        var reported = new HashSet<TextSpan>();
        foreach (var (span, url, isTarget) in found)
        {
            if (!isTarget && targets.TryGetValue(AddressKey(url), out var sameAddress) && IsLinkTextOfATarget(field.Original, sameAddress, span))
            {
                continue;
            }

            // "http://localhost:5000" in a README is the author's own machine: no reader can go there.
            if (IsLoopback(url))
            {
                continue;
            }

            var result = classifier.Classify(url);
            if (result.Class == LinkClass.Allowed || !reported.Add(span))
            {
                continue;
            }

            var severity = result.Class is LinkClass.Personal or LinkClass.Commercial && !fromImage ? Severity.Error : Severity.Warning;
            findings.Add(new Finding
            {
                RuleId = RuleIds.LinkExternal,
                Severity = severity,
                Message = fromImage ? "Text in this image shows a web address: " + result.Message : result.Message,
                Policy = PolicyRefs.Links,
                Target = FindingTarget.Text(field.Name),
                Span = span,
                Evidence = field.Original[span.Start..span.End],
            });
        }
    }

    private static bool IsLoopback(LinkUrl url) =>
        url.AsciiHost is "localhost" or "[::1]" or "::1"
        || url.AsciiHost.EndsWith(".localhost", StringComparison.Ordinal)
        || (url.IsIpAddress && url.AsciiHost.StartsWith("127.", StringComparison.Ordinal));

    /// <summary>Host without "www." and path without trailing slashes: two spellings of one address get one key.</summary>
    private static string AddressKey(LinkUrl url)
    {
        var host = url.AsciiHost.StartsWith("www.", StringComparison.Ordinal) ? url.AsciiHost.AsSpan(4) : url.AsciiHost.AsSpan();
        return string.Concat(host, "\n", url.Path.AsSpan().TrimEnd('/'));
    }

    /// <summary>
    /// Characters between a link target and its visible text beyond which they are not one link: "](" in Markdown,
    /// or the rest of an opening tag and inline tags in HTML. Keeps the comparison local.
    /// </summary>
    private const int SamePlaceReach = 4_096;

    /// <summary>Whether <paramref name="visible"/> is the text of one of <paramref name="targets"/> (sorted by start).</summary>
    private static bool IsLinkTextOfATarget(string original, TextSpan[] targets, TextSpan visible)
    {
        // The first target that may still be in reach, by binary search over the starts.
        int low = 0, high = targets.Length;
        var from = visible.Start - SamePlaceReach;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (targets[mid].End < from)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        for (var i = low; i < targets.Length && targets[i].Start <= visible.End + SamePlaceReach; i++)
        {
            if (SamePlace(original, targets[i], visible))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a link target and a URL in visible text are one link: overlapping (an autolink), Markdown
    /// "[text](target)" with nothing but "](" between, or HTML whose opening tag holds the target and whose text
    /// follows with nothing but inline tags between.
    /// </summary>
    internal static bool SamePlace(string original, TextSpan target, TextSpan visible)
    {
        if (target.Start < visible.End && visible.Start < target.End)
        {
            return true;
        }

        if (visible.End <= target.Start)
        {
            var gap = original.AsSpan(visible.End, target.Start - visible.End).Trim();
            return gap is "](" or "](<";
        }

        var between = original.AsSpan(target.End, visible.Start - target.End);
        var close = between.IndexOf('>');
        if (close < 0 || between[..close].Contains('<'))
        {
            return false;
        }

        // After the opening tag: only inline tags ("<strong>") and white space, never the end of the link.
        var rest = between[(close + 1)..];
        while (!rest.IsEmpty)
        {
            rest = rest.TrimStart();
            if (rest.IsEmpty)
            {
                break;
            }

            if (rest[0] != '<' || rest.StartsWith("</a", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var end = rest.IndexOf('>');
            if (end < 0)
            {
                return false;
            }

            rest = rest[(end + 1)..];
        }

        return true;
    }

    private static IEnumerable<UrlOccurrence> Find(TextSegment segment, PublicSuffixList suffixes, bool fromImage)
    {
        switch (segment.Kind)
        {
            case SegmentKind.LinkTarget:
                if (Target(segment.Text, 0, segment.Text.Length) is { } link)
                {
                    yield return link;
                }

                break;
            case SegmentKind.Visible or SegmentKind.AltText:
                foreach (var occurrence in UrlExtractor.FindInText(segment.Text, suffixes, schemeOrWwwOnly: fromImage))
                {
                    yield return occurrence;
                }

                break;
            default:
                // Resources, image sources and code are not links a reader follows.
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
