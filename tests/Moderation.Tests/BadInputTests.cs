using System.Text;
using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Tests.Corpus;
using Xunit.Abstractions;

namespace Kusd.Moderation.Tests;

/// <summary>
/// Hostile and broken input: each returns a verdict or a clear error, never a crash or a hang. Checks run
/// on a worker thread under a deadline, so a rule that loops forever fails its test instead of the run.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    // Hang detection, not a performance bar: a 5 MB post takes about 20 s on one idle core in Debug, and
    // CI machines are shared. A rule that is quadratic in its input takes tens of minutes and still fails.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);
    private static readonly Lazy<ModerationEngine> Engine = new(() =>
    {
        var options = new ModerationOptions();
        return new ModerationEngine(
            DefaultRules.CreateTextRules(options),
            new FixedRosterProvider(new RosterSnapshot(CorpusData.LoadRoster())),
            options);
    });

    [Fact]
    public void RosterWithBrokenRowsIsRefusedWholeWithTheLineOfEveryError()
    {
        const string csv = """
            id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
            S1,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu
            S2,student,Liam,Nowak,,13,false,lnowak28@students.kusd.edu
            S3,student,Sofia,Reyes,,04,false,sreyes@students.kusd.edu
            S4,student,Mason,O'Brien,,01,maybe,mobrien30@students.kusd.edu
            ,student,Ava,Johnson,,KG,false,
            S6,student,Noah,Lindqvist,,PK,false,
            """;
        var result = RosterCsv.Parse(new StringReader(csv), new ModerationOptions());

        Assert.False(result.Succeeded);
        Assert.Null(result.Roster);
        var lines = result.Errors.Select(e => e.Line).Distinct().Order().ToList();
        Assert.Equal([3, 5, 6], lines);
        foreach (var error in result.Errors)
        {
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            Assert.Contains(error.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
            foreach (var secret in new[] { "Liam", "Nowak", "Mason", "O'Brien", "Ava", "Johnson", "lnowak28", "mobrien30" })
            {
                Assert.DoesNotContain(secret, error.Message, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void RosterWithoutRequiredColumnsIsRefusedAtTheHeader()
    {
        var result = RosterCsv.Parse(new StringReader("id,role,grade\nS1,student,02\n"), new ModerationOptions());
        Assert.False(result.Succeeded);
        Assert.All(result.Errors, e => Assert.Equal(1, e.Line));
        Assert.Contains(result.Errors, e => e.Column == "givenName");
    }

    [Fact]
    public void RosterThatIsNotUtf8IsRefusedWithAClearError()
    {
        var bytes = Encoding.UTF8.GetBytes("id,givenName,familyName\nS1,Emma,Kowalski\n").Concat(new byte[] { 0xFF, 0xFE, 0xC3, 0x28, (byte)'\n' }).ToArray();
        var result = RosterCsv.Parse(new MemoryStream(bytes), new ModerationOptions());
        Assert.False(result.Succeeded);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void EmptyRosterFileIsRefused()
    {
        var result = RosterCsv.Parse(new StringReader(""), new ModerationOptions());
        Assert.False(result.Succeeded);
        Assert.NotEmpty(result.Errors);
    }

    [Theory]
    [InlineData(ContentFormat.PlainText)]
    [InlineData(ContentFormat.Markdown)]
    [InlineData(ContentFormat.Html)]
    public async Task FiveMegabytePostIsCheckedAndItsViolationIsNotApproved(ContentFormat format)
    {
        const string paragraph = "Our fourth graders visited the Kenosha Public Museum on Tuesday and learned how glaciers shaped the shore of Lake Michigan. ";
        var text = new StringBuilder(5_100_000);
        while (text.Length < 5_000_000)
        {
            text.Append(format == ContentFormat.Html ? "<p>" + paragraph + "</p>\n" : paragraph + "\n\n");
        }

        text.Append("Thank you to Emma Kowalski for the thank-you card.");
        var verdict = await CheckAsync(text.ToString(), format);
        Assert.NotEqual(Decision.Approved, verdict.Decision);
    }

    [Fact]
    public async Task HtmlNestedOneHundredThousandLevelsDeepReturnsAVerdict()
    {
        const int depth = 100_000;
        var text = string.Concat(Enumerable.Repeat("<div>", depth)) + "Emma Kowalski" + string.Concat(Enumerable.Repeat("</div>", depth));
        var verdict = await CheckAsync(text, ContentFormat.Html);
        Assert.NotEqual(Decision.Approved, verdict.Decision);
    }

    [Fact]
    public async Task UnclosedHtmlTagsNestedDeeplyReturnAVerdict()
    {
        var text = string.Concat(Enumerable.Repeat("<span><b><i>", 50_000)) + "Write to ekowalski27@students.kusd.edu";
        var verdict = await CheckAsync(text, ContentFormat.Html);
        Assert.NotEqual(Decision.Approved, verdict.Decision);
    }

    [Theory]
    [InlineData("> ", 100_000)]
    [InlineData("- ", 50_000)]
    [InlineData("1. ", 50_000)]
    [InlineData("> - ", 50_000)]
    [InlineData("[", 100_000)]
    [InlineData("*", 100_000)]
    [InlineData("`", 100_000)]
    public async Task DeeplyNestedMarkdownReturnsAVerdict(string opener, int depth)
    {
        var text = string.Concat(Enumerable.Repeat(opener, depth)) + "Emma Kowalski";
        var verdict = await CheckAsync(text, ContentFormat.Markdown);
        Assert.NotNull(verdict);
    }

    [Fact]
    public async Task MarkdownBlockquotesNestedDeeplyStillShowTheirName()
    {
        var text = string.Concat(Enumerable.Repeat(">", 1_000)) + " Emma Kowalski won the spelling bee.";
        var verdict = await CheckAsync(text, ContentFormat.Markdown);
        Assert.NotEqual(Decision.Approved, verdict.Decision);
    }

    [Theory]
    [InlineData(ContentFormat.PlainText)]
    [InlineData(ContentFormat.Markdown)]
    [InlineData(ContentFormat.Html)]
    public async Task InvalidUtf8DecodedWithReplacementIsStillChecked(ContentFormat format)
    {
        byte[] bytes =
        [
            .. "Write to "u8, 0xFF, 0xFE, .. " ekowalski27@students.kusd.edu "u8,
            0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF0, 0x28, 0x8C, 0xBC, 0xC0, 0xAF, .. " today."u8,
        ];
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains('\uFFFD', text);
        var verdict = await CheckAsync(text, format);
        Assert.Contains(verdict.Findings, f => f.RuleId == RuleIds.EmailStudent);
    }

    [Fact]
    public async Task LoneSurrogatesInTheFieldDoNotBreakTheCheck()
    {
        var verdict = await CheckAsync("Emma Kowalski \uD800 read \uDC00 to the class \uD83D.", ContentFormat.PlainText);
        Assert.NotEqual(Decision.Approved, verdict.Decision);
    }

    [Theory]
    [InlineData(ContentFormat.PlainText)]
    [InlineData(ContentFormat.Markdown)]
    [InlineData(ContentFormat.Html)]
    public async Task EmptyFieldIsApproved(ContentFormat format)
    {
        var verdict = await CheckAsync("", format);
        Assert.Equal(Decision.Approved, verdict.Decision);
        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public async Task RequestWithoutFieldsIsApproved()
    {
        var verdict = await Task.Run(() => Engine.Value.CheckAsync(new CheckRequest())).WaitAsync(Deadline);
        Assert.Equal(Decision.Approved, verdict.Decision);
    }

    [Theory]
    [InlineData(ContentFormat.PlainText)]
    [InlineData(ContentFormat.Markdown)]
    [InlineData(ContentFormat.Html)]
    public async Task FieldOfOnlyZeroWidthCharactersIsApproved(ContentFormat format)
    {
        var text = string.Concat(Enumerable.Repeat("\u200B\u200C\u200D\u2060\uFEFF\u00AD", 2_000));
        var verdict = await CheckAsync(text, format);
        Assert.Equal(Decision.Approved, verdict.Decision);
    }

    [Theory]
    [InlineData("a@a.a", 100_000)]
    [InlineData("www.", 100_000)]
    [InlineData("http://", 50_000)]
    [InlineData("https://a.", 50_000)]
    [InlineData(" [at] ", 50_000)]
    [InlineData("a(at)b(dot)", 50_000)]
    [InlineData("&#64;", 100_000)]
    [InlineData("Emma ", 100_000)]
    [InlineData("Kowalski, ", 100_000)]
    [InlineData("1", 1_000_000)]
    [InlineData("1 ", 500_000)]
    [InlineData(".", 1_000_000)]
    [InlineData("-", 1_000_000)]
    [InlineData("a", 1_000_000)]
    [InlineData("f*", 200_000)]
    public async Task PathologicalRegexInputReturnsAVerdict(string unit, int repeat)
    {
        var text = string.Concat(Enumerable.Repeat(unit, repeat));
        var verdict = await CheckAsync(text, ContentFormat.PlainText);
        Assert.NotNull(verdict);
    }

    // Runs the check on the thread pool so that synchronous rule code is also held to the deadline.
    private async Task<Verdict> CheckAsync(string text, ContentFormat format)
    {
        var request = new CheckRequest { Fields = [new ContentField("body", text, format)] };
        var verdict = await Task.Run(() => Engine.Value.CheckAsync(request)).WaitAsync(Deadline);
        output.WriteLine(string.Join(", ", verdict.Timings.Select(t => $"{t.Key}={t.Value:0}ms")));
        foreach (var unavailable in verdict.Findings.Where(f => f.RuleId == RuleIds.CheckUnavailable))
        {
            output.WriteLine($"check/unavailable: {unavailable.Message}");
        }

        AssertSpansAreInsideTheField(verdict, text);
        return verdict;
    }

    private static void AssertSpansAreInsideTheField(Verdict verdict, string text)
    {
        foreach (var finding in verdict.Findings.Where(f => f.Span is not null))
        {
            var span = finding.Span!.Value;
            Assert.InRange(span.Start, 0, text.Length);
            Assert.InRange(span.End, span.Start, text.Length);
            if (finding.Evidence is not null)
            {
                Assert.Equal(text[span.Start..span.End], finding.Evidence);
            }
        }
    }
}
