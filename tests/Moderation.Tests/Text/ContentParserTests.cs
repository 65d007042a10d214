using System.Diagnostics;
using Kusd.Moderation.Content;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Text;

public sealed class ContentParserTests
{
    // Time limits catch quadratic blow-ups (hours at these sizes), not micro-performance: the shared build
    // machine is often many times oversubscribed, and these tests must not fail because of it.
    // (Measured on a quiet core: 5 MB of HTML parses in about 0.5 s of CPU, 5 MB of "&" in about 1.2 s.)
    private const int QuadraticGuardMs = 60_000;

    private static ParsedField Parse(string text, ContentFormat format) => ContentParser.Parse(new ContentField("body", text, format));

    // The submitted text behind the first occurrence of needle in a segment of the given kind.
    private static string OriginalOf(ParsedField parsed, SegmentKind kind, string needle)
    {
        foreach (var segment in parsed.OfKind(kind))
        {
            var at = segment.Text.IndexOf(needle, StringComparison.Ordinal);
            if (at >= 0)
            {
                var span = segment.ToFieldSpan(at, at + needle.Length);
                return parsed.Original[span.Start..span.End];
            }
        }

        var seen = string.Join(" | ", parsed.Segments.Select(s => $"{s.Kind}:{s.Text}"));
        Assert.Fail($"'{needle}' not in a {kind} segment; segments: {seen}");
        return string.Empty;
    }

    // The submitted text behind the first match of a folded needle in the normalised text of a segment.
    private static string OriginalOfNormalized(ParsedField parsed, SegmentKind kind, string needle)
    {
        foreach (var segment in parsed.OfKind(kind))
        {
            var normalized = segment.Normalized;
            var at = normalized.Value.IndexOf(needle, StringComparison.Ordinal);
            if (at >= 0)
            {
                var span = normalized.ToFieldSpan(at, at + needle.Length);
                return parsed.Original[span.Start..span.End];
            }
        }

        Assert.Fail($"'{needle}' not in the normalised text of a {kind} segment");
        return string.Empty;
    }

    private static void AssertEveryOffsetIsInsideTheField(ParsedField parsed)
    {
        foreach (var segment in parsed.Segments)
        {
            var offsets = segment.SourceOffsets;
            Assert.InRange(offsets[0], 0, parsed.Original.Length);
            for (var i = 1; i < offsets.Count; i++)
            {
                if (offsets[i] < offsets[i - 1] || offsets[i] > parsed.Original.Length)
                {
                    Assert.Fail($"offset {i} of a {segment.Kind} segment is {offsets[i]}, after {offsets[i - 1]}");
                }
            }
        }
    }

    [Fact]
    public void PlainTextIsOneVisibleSegmentOverTheWholeField()
    {
        var parsed = Parse("Emma <b>Kowalski</b> &amp; co", ContentFormat.PlainText);
        var segment = Assert.Single(parsed.Segments);
        Assert.Equal(SegmentKind.Visible, segment.Kind);
        Assert.Equal(parsed.Original, segment.Text);
        Assert.Null(parsed.Fallback);
    }

    [Fact]
    public void HtmlNameSplitByInlineMarkupIsContiguousAndMapsToTheMarkup()
    {
        var parsed = Parse("<p>Photo: <b>Emma</b> Kowalski at the fair</p>", ContentFormat.Html);
        Assert.Equal("Photo: Emma Kowalski at the fair", Assert.Single(parsed.Segments).Text);
        Assert.Equal("Emma</b> Kowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma Kowalski"));
        Assert.Equal("Emma", OriginalOf(parsed, SegmentKind.Visible, "Emma"));
        AssertEveryOffsetIsInsideTheField(parsed);
    }

    [Fact]
    public void HtmlEntitiesAreDecodedAndMapToTheWholeEntity()
    {
        var parsed = Parse("<p>Emma&nbsp;Kowalski, write to emma&#64;example.org &amp; &copy 2024</p>", ContentFormat.Html);
        Assert.Equal("Emma\u00A0Kowalski, write to emma@example.org & \u00A9 2024", Assert.Single(parsed.Segments).Text);
        Assert.Equal("Emma&nbsp;Kowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma\u00A0Kowalski"));
        Assert.Equal("&#64;", OriginalOf(parsed, SegmentKind.Visible, "@"));
        Assert.Equal("emma&#64;example.org", OriginalOf(parsed, SegmentKind.Visible, "emma@example.org"));
        Assert.Equal("Emma&nbsp;Kowalski", OriginalOfNormalized(parsed, SegmentKind.Visible, "emma kowalski"));
    }

    [Fact]
    public void HtmlHrefIsALinkTargetWithEntitiesDecoded()
    {
        var parsed = Parse("<p>See <a class=x href=\"https://shop.example.com/?a=1&amp;b=2\">our shop</a>.</p>", ContentFormat.Html);
        var link = Assert.Single(parsed.OfKind(SegmentKind.LinkTarget));
        Assert.Equal("https://shop.example.com/?a=1&b=2", link.Text);
        Assert.Equal("https://shop.example.com/?a=1&amp;b=2", OriginalOf(parsed, SegmentKind.LinkTarget, "https://shop.example.com/?a=1&b=2"));
        Assert.Equal("See our shop.", Assert.Single(parsed.OfKind(SegmentKind.Visible)).Text);
    }

    [Fact]
    public void HtmlAltTitleAndSourcesAreReadFromAttributes()
    {
        var html = "<img src='/img/fair.jpg' alt=\"Emma Kowalski at the fair\" title=Fair srcset=\"a.jpg 1x, b.jpg 2x\" data-src=lazy.png>"
                   + "<video poster=\"p.jpg\"></video><div style=\"background-image: url('bg.png')\" aria-label=\"Liam&#39;s desk\"></div>";
        var parsed = Parse(html, ContentFormat.Html);
        Assert.Equal("Emma Kowalski at the fair", OriginalOf(parsed, SegmentKind.AltText, "Emma Kowalski at the fair"));
        Assert.Equal("Fair", OriginalOf(parsed, SegmentKind.AltText, "Fair"));
        Assert.Equal("Liam&#39;s", OriginalOf(parsed, SegmentKind.AltText, "Liam's"));
        var sources = parsed.OfKind(SegmentKind.ImageSource).Select(s => s.Text).ToList();
        Assert.Equal(["/img/fair.jpg", "a.jpg", "b.jpg", "lazy.png", "p.jpg", "bg.png"], sources);
        Assert.Equal("b.jpg", OriginalOf(parsed, SegmentKind.ImageSource, "b.jpg"));
        Assert.Empty(parsed.OfKind(SegmentKind.Visible));
    }

    [Fact]
    public void HtmlBlockElementsSplitSegmentsAndBreaksBecomeNewlines()
    {
        var parsed = Parse("<table><tr><td>Emma</td><td>Kowalski</td></tr></table><p>one<br>two</p>", ContentFormat.Html);
        Assert.Equal(["Emma", "Kowalski", "one\ntwo"], parsed.Segments.Select(s => s.Text));
        Assert.Equal("<br>", OriginalOf(parsed, SegmentKind.Visible, "\n"));
    }

    [Fact]
    public void HtmlSourceLineBreaksReadAsSpacesExceptInPre()
    {
        var parsed = Parse("<p>author of the week is Evelyn<br>\nBrooks and Emma\r\n\r\nKowalski</p><pre>Liam\nNguyen</pre>", ContentFormat.Html);
        Assert.Equal(["author of the week is Evelyn\n Brooks and Emma    Kowalski", "Liam\nNguyen"], parsed.Segments.Select(s => s.Text));
        Assert.Equal("Evelyn<br>\nBrooks", OriginalOf(parsed, SegmentKind.Visible, "Evelyn\n Brooks"));
        Assert.Equal("Emma\r\n\r\nKowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma    Kowalski"));
    }

    [Fact]
    public void MarkdownSoftLineBreakReadsAsASpaceAndAHardOneAsANewline()
    {
        var parsed = Parse("Emma\nKowalski and Liam  \nNguyen", ContentFormat.Markdown);
        Assert.Equal("Emma Kowalski and Liam\nNguyen", Assert.Single(parsed.Segments).Text);
        Assert.Equal("Emma\nKowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma Kowalski"));
    }

    [Fact]
    public void HtmlScriptStyleTemplateAndCommentsAreNotReadButNoscriptIs()
    {
        var html = "<head><title>Field Day</title><style>p{color:red}</style></head>"
                   + "<script>var s = '</p>Hidden';</script><!-- Liam Nguyen -->"
                   + "<template><p>Ava Jones</p></template><noscript><p>Noah Smith</p></noscript><p>Shown</p>";
        var parsed = Parse(html, ContentFormat.Html);
        Assert.Equal(["Field Day", "Noah Smith", "Shown"], parsed.Segments.Select(s => s.Text));
    }

    [Fact]
    public void SelfClosingScriptStillHidesItsContentAsBrowsersDo()
    {
        var parsed = Parse("<script/>var name = 'Emma';</script><template/><p>Liam</p></template><p>Shown</p>", ContentFormat.Html);
        Assert.Equal(["Shown"], parsed.Segments.Select(s => s.Text));
    }

    [Fact]
    public void HtmlTextareaAndLooseAngleBracketsAreText()
    {
        var parsed = Parse("<p>3 < 4 and 5 > 2</p><textarea>Emma &amp; Liam</textarea>", ContentFormat.Html);
        Assert.Equal(["3 < 4 and 5 > 2", "Emma & Liam"], parsed.Segments.Select(s => s.Text));
        Assert.Equal("Emma &amp; Liam", OriginalOf(parsed, SegmentKind.Visible, "Emma & Liam"));
    }

    [Theory]
    [InlineData("<p>Emma <b>Kowalski")]
    [InlineData("<p>Emma <!-- never closed")]
    [InlineData("<p title=\"never closed>Emma")]
    [InlineData("<p>Emma</p><a href=")]
    [InlineData("<script>Emma")]
    [InlineData("&#99999999999999;&#x110000;&#0;&#xD800;&")]
    [InlineData("</><//><!><?x><!DOCTYPE html><</p>")]
    public void MalformedHtmlNeverThrowsAndKeepsOffsetsInsideTheField(string html)
    {
        var parsed = Parse(html, ContentFormat.Html);
        AssertEveryOffsetIsInsideTheField(parsed);
    }

    [Fact]
    public void DeeplyNestedHtmlFinishesFast()
    {
        const int depth = 100_000;
        var html = string.Concat(Enumerable.Repeat("<div><span>", depth)) + "Emma Kowalski" + string.Concat(Enumerable.Repeat("</span></div>", depth));
        var watch = Stopwatch.StartNew();
        var parsed = Parse(html, ContentFormat.Html);
        watch.Stop();
        Assert.Equal("Emma Kowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma Kowalski"));
        Assert.True(watch.ElapsedMilliseconds < QuadraticGuardMs, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void FiveMegabytesOfHtmlParseInLinearTime()
    {
        var unit = "<p class=\"x\">Emma <b>Kowalski</b> &amp; <a href=\"https://example.com/?a=1&amp;b=2\">Liam</a><img alt=\"Ava\" src=\"a.png\"></p>\n";
        var small = string.Concat(Enumerable.Repeat(unit, 500_000 / unit.Length));
        var large = string.Concat(Enumerable.Repeat(unit, 5_000_000 / unit.Length));
        Parse(small, ContentFormat.Html);
        var watch = Stopwatch.StartNew();
        Parse(small, ContentFormat.Html);
        var smallMs = watch.ElapsedMilliseconds;
        watch.Restart();
        var parsed = Parse(large, ContentFormat.Html);
        watch.Stop();
        Assert.True(parsed.Segments.Count > 100_000);
        Assert.True(watch.ElapsedMilliseconds < QuadraticGuardMs, $"took {watch.ElapsedMilliseconds} ms");

        // Ten times the input should cost about ten times as long; quadratic would be a hundred.
        Assert.True(watch.ElapsedMilliseconds < (40 * smallMs) + 1000, $"500 KB: {smallMs} ms, 5 MB: {watch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("<")]
    [InlineData("&")]
    [InlineData("<a ")]
    [InlineData("<!--")]
    public void TwoMegabytesOfOneHostileCharacterParseQuickly(string unit)
    {
        var html = string.Concat(Enumerable.Repeat(unit, 2_000_000 / unit.Length));
        var watch = Stopwatch.StartNew();
        var parsed = Parse(html, ContentFormat.Html);
        watch.Stop();
        AssertEveryOffsetIsInsideTheField(parsed);
        Assert.True(watch.ElapsedMilliseconds < QuadraticGuardMs, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void MarkdownNameSplitByEmphasisIsContiguousInOneSegment()
    {
        var parsed = Parse("# Field day\n\nGreat job **Emma** Kowalski and _Liam_!\n", ContentFormat.Markdown);
        Assert.Equal(["Field day", "Great job Emma Kowalski and Liam!"], parsed.Segments.Select(s => s.Text));
        Assert.Equal("Emma** Kowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma Kowalski"));
        Assert.Equal("Liam", OriginalOf(parsed, SegmentKind.Visible, "Liam"));
        AssertEveryOffsetIsInsideTheField(parsed);
    }

    [Fact]
    public void MarkdownLinkTargetAndTextAreSeparateSegments()
    {
        var parsed = Parse("Visit [our *shop*](https://shop.example.com/a\\_b \"Shop title\") today", ContentFormat.Markdown);
        Assert.Equal("Visit our shop today", Assert.Single(parsed.OfKind(SegmentKind.Visible)).Text);
        Assert.Equal("https://shop.example.com/a\\_b", OriginalOf(parsed, SegmentKind.LinkTarget, "https://shop.example.com/a_b"));
        Assert.Equal("Shop title", OriginalOf(parsed, SegmentKind.AltText, "Shop title"));
    }

    [Fact]
    public void MarkdownImageGivesSourceAndAltText()
    {
        var parsed = Parse("Look: ![Emma **Kowalski** at &amp; the fair](/photos/fair.jpg)", ContentFormat.Markdown);
        Assert.Equal("/photos/fair.jpg", OriginalOf(parsed, SegmentKind.ImageSource, "/photos/fair.jpg"));
        Assert.Equal("Emma Kowalski at & the fair", Assert.Single(parsed.OfKind(SegmentKind.AltText)).Text);
        Assert.Equal("Emma **Kowalski", OriginalOf(parsed, SegmentKind.AltText, "Emma Kowalski"));
        Assert.Equal("&amp;", OriginalOf(parsed, SegmentKind.AltText, "&"));
        Assert.Equal("Look: ", Assert.Single(parsed.OfKind(SegmentKind.Visible)).Text);
    }

    [Fact]
    public void MarkdownAutolinksReferenceLinksAndBareUrlsAreLinkTargets()
    {
        var md = "Mail <mailto:emma@example.org> or see www.example.com and [the site][ref].\n\n[ref]: https://ref.example.com \"Ref\"\n";
        var parsed = Parse(md, ContentFormat.Markdown);
        Assert.Equal("mailto:emma@example.org", OriginalOf(parsed, SegmentKind.LinkTarget, "mailto:emma@example.org"));
        Assert.Equal("www.example.com", OriginalOf(parsed, SegmentKind.LinkTarget, "www.example.com"));
        Assert.Equal("https://ref.example.com", OriginalOf(parsed, SegmentKind.LinkTarget, "https://ref.example.com"));
        Assert.Equal("emma@example.org", OriginalOf(parsed, SegmentKind.Visible, "emma@example.org"));
    }

    [Fact]
    public void MarkdownTablesAndQuotesAreVisibleAndCodeSpansAndBlocksAreCode()
    {
        var md = "> Quote by `Emma K`\n\n| Name | Grade |\n|------|-------|\n| Liam Nguyen | 3 |\n\n```\nAva Jones\n```\n";
        var parsed = Parse(md, ContentFormat.Markdown);
        Assert.Equal("Emma K", OriginalOf(parsed, SegmentKind.Code, "Emma K"));
        Assert.Equal("Liam Nguyen", OriginalOf(parsed, SegmentKind.Visible, "Liam Nguyen"));
        Assert.Equal("Ava Jones", OriginalOf(parsed, SegmentKind.Code, "Ava Jones"));
        Assert.Contains(parsed.Segments, s => s.Text == "Liam Nguyen");
    }

    [Fact]
    public void RawHtmlInsideMarkdownIsReadWithShiftedOffsets()
    {
        var md = "Hi <a href=\"https://x.example.com\">Emma</a> there\n\n<div title=\"Liam &amp; Ava\">\n<p>Noah <b>Smith</b></p>\n</div>\n";
        var parsed = Parse(md, ContentFormat.Markdown);
        Assert.Equal("https://x.example.com", OriginalOf(parsed, SegmentKind.LinkTarget, "https://x.example.com"));
        Assert.Equal("Liam &amp; Ava", OriginalOf(parsed, SegmentKind.AltText, "Liam & Ava"));
        Assert.Equal("Noah <b>Smith", OriginalOf(parsed, SegmentKind.Visible, "Noah Smith"));
        Assert.Equal("Emma", OriginalOf(parsed, SegmentKind.Visible, "Emma"));
    }

    [Fact]
    public void InlineBreakAndBlockTagsInMarkdownSeparateWords()
    {
        var parsed = Parse("Evelyn<br>Brooks and Emma</td><td>Kowalski but <b>Liam</b>Nguyen", ContentFormat.Markdown);
        Assert.Equal("Evelyn\nBrooks and Emma\n\nKowalski but LiamNguyen", Assert.Single(parsed.Segments).Text);
        Assert.Equal("Evelyn<br>Brooks", OriginalOf(parsed, SegmentKind.Visible, "Evelyn\nBrooks"));
    }

    [Fact]
    public void MarkdownWithWindowsLineEndingsMapsExactly()
    {
        var parsed = Parse("Line one\r\n**Emma** Kowalski\r\n\r\n![alt Liam](x.png)\r\n", ContentFormat.Markdown);
        Assert.Equal("Emma** Kowalski", OriginalOf(parsed, SegmentKind.Visible, "Emma Kowalski"));
        Assert.Equal("Liam", OriginalOf(parsed, SegmentKind.AltText, "Liam"));
        Assert.Equal("x.png", OriginalOf(parsed, SegmentKind.ImageSource, "x.png"));
    }

    [Fact]
    public void FullwidthNameInHtmlMapsBackThroughNormalisation()
    {
        var parsed = Parse("<p>Hi <i>Ｅｍ</i>\u200Bｍａ</p>", ContentFormat.Html);
        Assert.Equal("Ｅｍ</i>\u200Bｍａ", OriginalOfNormalized(parsed, SegmentKind.Visible, "emma"));
    }

    [Theory]
    [InlineData("quote")]
    [InlineData("list")]
    [InlineData("indent")]
    [InlineData("brackets")]
    [InlineData("links")]
    [InlineData("emphasis")]
    [InlineData("images")]
    public void DeeplyNestedMarkdownFinishesFastAndIsStillChecked(string shape)
    {
        const int depth = 100_000;
        var md = shape switch
        {
            "quote" => new string('>', depth) + " Emma Kowalski",
            "list" => string.Concat(Enumerable.Repeat("- ", depth)) + "Emma Kowalski",
            "indent" => string.Join("\n", Enumerable.Range(0, 2000).Select(i => new string(' ', i * 2) + "- Emma Kowalski")),
            "brackets" => new string('[', depth) + "Emma Kowalski" + new string(']', depth),
            "links" => string.Concat(Enumerable.Repeat("[", depth)) + "Emma Kowalski" + string.Concat(Enumerable.Repeat("](x)", depth)),
            "emphasis" => string.Concat(Enumerable.Repeat("*a _b ", depth / 2)) + "Emma Kowalski" + string.Concat(Enumerable.Repeat(" b_ a*", depth / 2)),
            _ => string.Concat(Enumerable.Repeat("![", depth)) + "Emma Kowalski" + string.Concat(Enumerable.Repeat("](x)", depth)),
        };
        var watch = Stopwatch.StartNew();
        var parsed = Parse(md, ContentFormat.Markdown);
        watch.Stop();
        Assert.Contains(parsed.Segments, s => s.Text.Contains("Emma Kowalski", StringComparison.Ordinal));
        AssertEveryOffsetIsInsideTheField(parsed);
        Assert.True(watch.ElapsedMilliseconds < QuadraticGuardMs, $"took {watch.ElapsedMilliseconds} ms");
    }
}
