using System.Diagnostics;
using Kusd.Moderation.Content;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Text;

public sealed class TextNormalizerTests
{
    // Normalises a plain-text field and returns the original text behind the first match of needle.
    private static string OriginalOf(string submitted, string needle)
    {
        var field = new ContentField("body", submitted);
        var segment = ContentParser.Parse(field).Segments.Single();
        var normalized = segment.Normalized;
        var at = normalized.Value.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{needle}' not found in '{normalized.Value}'");
        var span = normalized.ToFieldSpan(at, at + needle.Length);
        return submitted[span.Start..span.End];
    }

    [Fact]
    public void PlainAsciiIsLowerCasedOneForOne()
    {
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, "Hello Emma Kowalski!"));
        Assert.Equal("hello emma kowalski!", n.Value);
        Assert.Equal(Enumerable.Range(0, n.Value.Length + 1), n.ToSegment);
    }

    [Fact]
    public void FullwidthLettersFoldToAsciiAndMapBackToTheFullwidthText()
    {
        Assert.Equal("Ｅｍｍａ", OriginalOf("Hi Ｅｍｍａ there", "emma"));
    }

    [Fact]
    public void ZeroWidthSpaceInsideAWordIsDroppedAndTheSpanCoversIt()
    {
        Assert.Equal("Em\u200Bma", OriginalOf("Say hi to Em\u200Bma now", "emma"));
    }

    [Theory]
    [InlineData("\u00AD")]
    [InlineData("\u200D")]
    [InlineData("\u2060")]
    [InlineData("\uFEFF")]
    [InlineData("\uFE0F")]
    [InlineData("\u202E")]
    [InlineData("\u0007")]
    [InlineData("\U000E0041")]
    public void InvisibleCharactersInsideAWordAreDropped(string invisible)
    {
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, $"Em{invisible}ma"));
        Assert.Equal("emma", n.Value);
    }

    [Theory]
    [InlineData("Liam\u0000Nowak", "liam nowak")]
    [InlineData("Liam\u0001Nowak", "liam nowak")]
    [InlineData("Liam\u200BNowak", "liam nowak")]
    [InlineData("Liam\u0085Nowak", "liam\u0085nowak")]
    [InlineData("Liam \uFFFD Nowak", "liam   nowak")]
    [InlineData("Em\u0000ma", "emma")]
    [InlineData("EM\u0001MA", "emma")]
    public void ControlsAndUndecodableBytesSplitOrJoinWordsAsAReaderSeesThem(string text, string folded)
    {
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, System.Text.RegularExpressions.Regex.Unescape(text)));
        Assert.Equal(System.Text.RegularExpressions.Regex.Unescape(folded), n.Value);
    }

    [Fact]
    public void CyrillicLookAlikesFoldToLatinAndMapToTheCyrillicLetters()
    {
        // "Еmmа" with Cyrillic Е (U+0415) and а (U+0430).
        Assert.Equal("\u0415mm\u0430", OriginalOf("Photo of \u0415mm\u0430 today", "emma"));
    }

    [Fact]
    public void GreekLookAlikesFoldToLatin()
    {
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, "\u039C\u0391RK \u03BFk \u03BDote"));
        Assert.Equal("mark ok vote", n.Value);
    }

    [Fact]
    public void LigatureExpandsAndBothLettersMapToTheLigature()
    {
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, "of\uFB01ce"));
        Assert.Equal("office", n.Value);
        Assert.Equal("\uFB01", OriginalOf("of\uFB01ce", "fi"));
        Assert.Equal("\uFB01", OriginalOf("of\uFB01ce", "i"));
        Assert.Equal("of\uFB01ce", OriginalOf("of\uFB01ce", "office"));
    }

    [Fact]
    public void CombiningAccentsAreDroppedAndTheSpanKeepsThem()
    {
        Assert.Equal("Jose\u0301", OriginalOf("Jose\u0301 Ramos", "jose"));
        Assert.Equal("Jos\u00E9", OriginalOf("Jos\u00E9 Ramos", "jose"));
    }

    [Fact]
    public void SharpSFoldsToDoubleS()
    {
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, "Stra\u00DFe STRASSE"));
        Assert.Equal("strasse strasse", n.Value);
    }

    [Fact]
    public void LettersWithBarsAndStrokesFoldToTheirBase()
    {
        Assert.Equal("soren lukasz", TextNormalizer.FoldString("S\u00F8ren \u0141ukasz"));
    }

    [Fact]
    public void MathematicalBoldAndCircledLettersFoldToAscii()
    {
        Assert.Equal("emma", TextNormalizer.FoldString("\U0001D404\U0001D426\U0001D426\U0001D41A"));
        Assert.Equal("emma", TextNormalizer.FoldString("\u24BA\u24DC\u24DC\u24D0"));
        Assert.Equal("\U0001D404\U0001D426\U0001D426\U0001D41A", OriginalOf("x \U0001D404\U0001D426\U0001D426\U0001D41A y", "emma"));
    }

    [Fact]
    public void TypographicQuotesAndDashesFoldToAscii()
    {
        Assert.Equal("emma's \"smith-jones\" - liam", TextNormalizer.FoldString("Emma\u2019s \u201CSmith\u2013Jones\u201D \u2014 Liam"));
    }

    [Fact]
    public void NonBreakingAndWideSpacesBecomeOrdinarySpaces()
    {
        Assert.Equal("emma kowalski", TextNormalizer.FoldString("Emma\u00A0Kowalski"));
        Assert.Equal("emma kowalski", TextNormalizer.FoldString("Emma\u3000Kowalski"));
    }

    [Theory]
    [InlineData("\uD800")]
    [InlineData("a\uDC00b")]
    [InlineData("\uDBFF\uD800x")]
    [InlineData("\uFFFF\uFFFE")]
    [InlineData("\u0378")]
    [InlineData("")]
    public void IllFormedTextNeverThrowsAndKeepsAValidMap(string text)
    {
        var segment = TextSegment.Identity(SegmentKind.Visible, text);
        var n = TextNormalizer.Normalize(segment);
        Assert.Equal(n.Value.Length + 1, n.ToSegment.Count);
        Assert.Equal(text.Length, n.ToSegment[^1]);
        for (var i = 1; i < n.ToSegment.Count; i++)
        {
            Assert.True(n.ToSegment[i] >= n.ToSegment[i - 1]);
        }
    }

    [Fact]
    public void EveryBmpCodePointFoldsWithoutThrowingAndTheMapIsMonotonic()
    {
        var chars = new char[0x10000];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)i;
        }

        var text = new string(chars);
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, text));
        Assert.Equal(text.Length, n.ToSegment[^1]);
        for (var i = 1; i < n.ToSegment.Count; i++)
        {
            Assert.True(n.ToSegment[i] >= n.ToSegment[i - 1]);
        }
    }

    [Fact]
    public void AMegabyteOfMixedTextNormalisesQuickly()
    {
        var text = string.Concat(Enumerable.Repeat("Ｅmm\u0430 Jos\u00E9 \uFB01ne\u200B! ", 60_000));
        TextNormalizer.FoldString(text);
        var watch = Stopwatch.StartNew();
        var n = TextNormalizer.Normalize(TextSegment.Identity(SegmentKind.Visible, text));
        watch.Stop();
        Assert.StartsWith("emma jose fine! ", n.Value, StringComparison.Ordinal);
        // Generous: catches a per-character allocation storm or quadratic work, not micro-performance on a busy machine.
        Assert.True(watch.ElapsedMilliseconds < 10_000, $"took {watch.ElapsedMilliseconds} ms");
    }
}
