using System.Text.Json;
using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;

namespace Kusd.Moderation.Tests;

/// <summary>The decision table of DESIGN.md, fail-closed checking, fixes and the verdict JSON contract.</summary>
public sealed class EngineTests
{
    private const string Body = "Congratulations to Emma Kowalski on the spelling bee!";
    private static readonly TextSpan NameSpan = new(19, 32);

    // Codes: E error, EF error with a fix, W warning, WF warning with a fix, N note.
    [Theory]
    [InlineData("", Decision.Approved)]
    [InlineData("N", Decision.Approved)]
    [InlineData("N N", Decision.Approved)]
    [InlineData("E", Decision.Rejected)]
    [InlineData("EF", Decision.ApprovedWithChanges)]
    [InlineData("EF N", Decision.ApprovedWithChanges)]
    [InlineData("W", Decision.NeedsReview)]
    [InlineData("W N", Decision.NeedsReview)]
    [InlineData("EF W", Decision.NeedsReview)]
    [InlineData("EF E", Decision.Rejected)]
    [InlineData("W E", Decision.Rejected)]
    [InlineData("E EF W N", Decision.Rejected)]
    public void DecisionFollowsTheTableOfDesignMd(string codes, Decision expected)
    {
        var findings = codes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Coded).ToList();
        Assert.Equal(expected, ModerationEngine.Decide(findings));
    }

    [Fact]
    public void ImageErrorRemovedBySanitizingCountsAsFixed()
    {
        var face = new Finding
        {
            RuleId = RuleIds.MediaRestrictionFace,
            Severity = Severity.Error,
            Message = "This face matches a student with a media restriction on file.",
            Target = FindingTarget.Image("images[0]", "field-day.jpg"),
            Region = new ImageRegion(412, 96, 88, 88),
        };
        Assert.Equal(Decision.Rejected, ModerationEngine.Decide([face]));
        var fixedFindings = new HashSet<Finding>(ReferenceEqualityComparer.Instance) { face };
        Assert.Equal(Decision.ApprovedWithChanges, ModerationEngine.Decide([face], fixedFindings));
    }

    [Fact]
    public async Task RuleThatThrowsIsReportedAsUnavailableAndNeedsReview()
    {
        var rule = new DelegateRule("boom", (_, _, _) => throw new InvalidOperationException("rule bug"));
        var verdict = await CheckAsync([rule]);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.CheckUnavailable, finding.RuleId);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("boom", finding.Target.Field);
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
    }

    [Fact]
    public async Task RuleThatFailsAfterAwaitingIsReportedAsUnavailable()
    {
        var rule = new DelegateRule("late-boom", async (_, _, _) =>
        {
            await Task.Yield();
            throw new InvalidDataException("rule bug");
        });
        var verdict = await CheckAsync([rule]);
        Assert.Contains(verdict.Findings, f => f.RuleId == RuleIds.CheckUnavailable && f.Target.Field == "late-boom");
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
    }

    [Fact]
    public async Task RuleSlowerThanTheCheckerTimeoutIsReportedAsUnavailable()
    {
        var rule = new DelegateRule("slow", async (_, findings, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            findings.Add(Coded("E"));
        });
        var verdict = await CheckAsync([rule], new ModerationOptions { CheckerTimeout = TimeSpan.FromMilliseconds(50) });
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.CheckUnavailable, finding.RuleId);
        Assert.Equal("slow", finding.Target.Field);
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
    }

    [Fact]
    public async Task FailedCheckerKeepsFixedContentFromBeingApproved()
    {
        var fixer = FindingRule("fixer", Coded("EF"));
        var broken = new DelegateRule("broken", (_, _, _) => throw new NotSupportedException());
        var verdict = await CheckAsync([fixer, broken]);
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
    }

    [Fact]
    public async Task ErrorWithAFixIsApprovedWithChangesAndTheFixIsApplied()
    {
        var verdict = await CheckAsync([FindingRule("names", Coded("EF"))]);
        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
        Assert.Equal("Congratulations to Emma K. on the spelling bee!", verdict.Sanitized.Fields["body"]);
    }

    [Fact]
    public async Task ErrorWithoutAFixIsRejectedAndTheTextIsLeftAlone()
    {
        var verdict = await CheckAsync([FindingRule("names", Coded("E"))]);
        Assert.Equal(Decision.Rejected, verdict.Decision);
        Assert.Equal(Body, verdict.Sanitized.Fields["body"]);
    }

    [Fact]
    public async Task NotesOnlyAreApproved()
    {
        var verdict = await CheckAsync([FindingRule("notes", Coded("N"), Coded("N") with { Span = new TextSpan(0, 5) })]);
        Assert.Equal(Decision.Approved, verdict.Decision);
        Assert.Equal(2, verdict.Findings.Count);
        Assert.Equal(Body, verdict.Sanitized.Fields["body"]);
    }

    [Fact]
    public async Task OfOverlappingFixesTheEarliestLongestWinsAndTheOthersAreDropped()
    {
        const string text = "Emma Kowalski and Henry Vang";
        var whole = Fix(new TextSpan(0, 13), "Emma K.");
        var inner = Fix(new TextSpan(5, 13), "K.") with { RuleId = RuleIds.MediaRestrictionName };
        var later = Fix(new TextSpan(18, 28), "Henry V.");
        var laterOverlap = Fix(new TextSpan(24, 28), "XXXX") with { RuleId = RuleIds.MediaRestrictionName };
        var verdict = await CheckAsync([FindingRule("a", inner, later), FindingRule("b", whole, laterOverlap)], text: text);
        Assert.Equal("Emma K. and Henry V.", verdict.Sanitized.Fields["body"]);
        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
    }

    [Fact]
    public void FixesOutsideTheFieldAreIgnored()
    {
        var outside = Fix(new TextSpan(5, 500), "x");
        Assert.Equal("short", ModerationEngine.ApplyFixes("short", [outside]));
    }

    [Fact]
    public async Task SameFindingFromTwoRulesIsReportedOnce()
    {
        var verdict = await CheckAsync([FindingRule("one", Coded("EF")), FindingRule("two", Coded("EF"))]);
        Assert.Single(verdict.Findings);
    }

    [Fact]
    public async Task CancelledCheckThrowsInsteadOfReportingAFailedChecker()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var rule = new DelegateRule("cancellable", (_, _, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        });
        var engine = new ModerationEngine([rule], new FixedRosterProvider(RosterSnapshot.Empty), new ModerationOptions());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.CheckAsync(Request(Body), cts.Token));
    }

    [Fact]
    public async Task VerdictJsonHasTheShapeOfDesignMd()
    {
        var verdict = await CheckAsync([FindingRule("names", Coded("EF"))]);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(verdict, ModerationJson.Options));
        var root = json.RootElement;
        Assert.StartsWith("chk_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("approvedWithChanges", root.GetProperty("decision").GetString());

        var finding = Assert.Single(root.GetProperty("findings").EnumerateArray());
        Assert.Equal("student-name/elementary", finding.GetProperty("ruleId").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal("Rule 4226: personally identifiable information", finding.GetProperty("policy").GetString());
        Assert.Equal("text", finding.GetProperty("target").GetProperty("kind").GetString());
        Assert.Equal("body", finding.GetProperty("target").GetProperty("field").GetString());
        var span = finding.GetProperty("span");
        Assert.Equal(["start", "end"], span.EnumerateObject().Select(p => p.Name));
        Assert.Equal(19, span.GetProperty("start").GetInt32());
        Assert.Equal(32, span.GetProperty("end").GetInt32());
        Assert.Equal("Emma Kowalski", finding.GetProperty("evidence").GetString());
        Assert.Equal("Emma K.", finding.GetProperty("fix").GetProperty("replacement").GetString());
        Assert.False(finding.TryGetProperty("region", out _), "Absent members are left out, not written as null.");
        Assert.False(finding.TryGetProperty("RuleId", out _));

        Assert.Equal("Congratulations to Emma K. on the spelling bee!", root.GetProperty("sanitized").GetProperty("fields").GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("sanitized").GetProperty("images").ValueKind);
        Assert.True(root.GetProperty("timings").GetProperty("totalMs").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("models").ValueKind);
    }

    [Theory]
    [InlineData(Decision.Approved, "approved")]
    [InlineData(Decision.ApprovedWithChanges, "approvedWithChanges")]
    [InlineData(Decision.NeedsReview, "needsReview")]
    [InlineData(Decision.Rejected, "rejected")]
    public void DecisionsSerializeAsTheirContractNames(Decision decision, string name)
    {
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(decision, ModerationJson.Options));
        Assert.Equal(decision, JsonSerializer.Deserialize<Decision>($"\"{name}\"", ModerationJson.Options));
    }

    [Theory]
    [InlineData(Severity.Note, "note")]
    [InlineData(Severity.Warning, "warning")]
    [InlineData(Severity.Error, "error")]
    public void SeveritiesSerializeAsTheirContractNames(Severity severity, string name) =>
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(severity, ModerationJson.Options));

    [Fact]
    public async Task VerdictJsonRoundTrips()
    {
        var verdict = await CheckAsync([FindingRule("names", Coded("EF"), Coded("W") with { RuleId = RuleIds.LinkExternal, Span = new TextSpan(0, 15) })]);
        var json = JsonSerializer.Serialize(verdict, ModerationJson.Options);
        var back = JsonSerializer.Deserialize<Verdict>(json, ModerationJson.Options);
        Assert.NotNull(back);
        Assert.Equal(verdict.Decision, back.Decision);
        Assert.Equal(verdict.Findings, back.Findings);
    }

    private static Finding Coded(string code) => code switch
    {
        "E" => NameFinding(Severity.Error, fix: false),
        "EF" => NameFinding(Severity.Error, fix: true),
        "W" => NameFinding(Severity.Warning, fix: false) with { RuleId = RuleIds.SubstanceText },
        "WF" => NameFinding(Severity.Warning, fix: true),
        "N" => NameFinding(Severity.Note, fix: false) with { RuleId = RuleIds.ImageLocation },
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    private static Finding NameFinding(Severity severity, bool fix) => new()
    {
        RuleId = RuleIds.StudentNameElementary,
        Severity = severity,
        Message = "Elementary students may be named only by first name and last initial.",
        Policy = PolicyRefs.PersonallyIdentifiable,
        Target = FindingTarget.Text("body"),
        Span = NameSpan,
        Evidence = "Emma Kowalski",
        Fix = fix ? new FindingFix("Emma K.") : null,
    };

    private static Finding Fix(TextSpan span, string replacement) =>
        NameFinding(Severity.Error, fix: true) with { Span = span, Fix = new FindingFix(replacement), Evidence = null };

    private static DelegateRule FindingRule(string name, params Finding[] found) => new(name, (_, findings, _) =>
    {
        foreach (var f in found)
        {
            findings.Add(f);
        }

        return ValueTask.CompletedTask;
    });

    private static CheckRequest Request(string text) => new() { Fields = [new ContentField("body", text)] };

    private static Task<Verdict> CheckAsync(IReadOnlyList<IContentRule> rules, ModerationOptions? options = null, string text = Body)
    {
        var engine = new ModerationEngine(rules, new FixedRosterProvider(RosterSnapshot.Empty), options ?? new ModerationOptions());
        return engine.CheckAsync(Request(text));
    }

    /// <summary>A checker whose behaviour each test writes inline: the engine, not the rule, is under test.</summary>
    private sealed class DelegateRule(string name, Func<CheckContext, IList<Finding>, CancellationToken, ValueTask> analyze) : IContentRule
    {
        public string Name => name;

        public ValueTask AnalyzeAsync(CheckContext context, IList<Finding> findings, CancellationToken cancellationToken) =>
            analyze(context, findings, cancellationToken);
    }
}
