using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Tests;

/// <summary>One request must not take the machine: findings are capped per rule and per check, and the rest counted.</summary>
public sealed class FindingCapTests
{
    private static readonly RosterSnapshot Roster = new(new Kusd.Moderation.Roster.Roster(
    [
        new Person { Id = "S1001", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2) },
    ]));

    [Fact]
    public async Task APostOfThousandsOfNamesListsAtMostTheCapAndCountsTheRest()
    {
        var options = new ModerationOptions { MaxFindingsPerRule = 100, MaxFindingsPerCheck = 150 };
        var engine = new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(Roster), options);
        var text = string.Concat(Enumerable.Repeat("Emma Kowalski and ekowalski27@students.kusd.edu. ", 5_000));

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text)] });

        Assert.True(verdict.Findings.Count <= options.MaxFindingsPerCheck, $"{verdict.Findings.Count} findings listed");
        Assert.True(verdict.FindingsOmitted >= 4_900, $"{verdict.FindingsOmitted} omitted");
        Assert.Contains(verdict.Findings, f => f.RuleId == RuleIds.CheckUnavailable && f.Message.Contains("more findings than are listed", StringComparison.Ordinal));
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
        Assert.True(verdict.Findings.Count(f => f.RuleId == RuleIds.StudentNameElementary) <= options.MaxFindingsPerRule);
    }

    [Fact]
    public async Task FixesOfAFieldOverTheCapAreNeverApprovedAsIfComplete()
    {
        var options = new ModerationOptions { MaxFindingsPerRule = 10, MaxFindingsPerCheck = 1_000 };
        var engine = new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(Roster), options);
        var text = string.Concat(Enumerable.Repeat("Emma Kowalski read a poem. ", 50));

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text)] });

        // Every listed name has a fix, but 40 were not even listed: a person must look.
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
        Assert.Equal(40, verdict.FindingsOmitted);
    }
}
