using CsCheck;
using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Tests.Corpus;

namespace Kusd.Moderation.Tests.Rules;

/// <summary>
/// Fixes a person can publish: applying a verdict's automatic fixes gives text that, checked again, has no finding
/// of the fixed rules, and fixing it again changes nothing. Over the corpus and over generated posts.
/// </summary>
public sealed class FixPropertyTests
{
    private static readonly Lazy<ModerationEngine> Engine = new(() =>
    {
        var options = new ModerationOptions();
        return new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(new RosterSnapshot(CorpusData.LoadRoster())), options);
    });

    private static async Task<(string Fixed, IReadOnlyList<Finding> Before, IReadOnlyList<Finding> After)> FixAndRecheck(string text, ContentFormat format)
    {
        var before = await Engine.Value.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text, format)] });
        var fixedText = before.Sanitized.Fields.TryGetValue("body", out var sanitized) ? sanitized : text;
        var after = await Engine.Value.CheckAsync(new CheckRequest { Fields = [new ContentField("body", fixedText, format)] });
        return (fixedText, before.Findings, after.Findings);
    }

    private static void AssertFixedPoint(string text, string fixedText, IReadOnlyList<Finding> before, IReadOnlyList<Finding> after, string fixedAgain)
    {
        var fixedRules = before.Where(f => f.Fix is not null).Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal);
        var left = after.Where(f => fixedRules.Contains(f.RuleId)).ToList();
        Assert.True(left.Count == 0, $"Fixing \"{text}\" gave \"{fixedText}\", which still has {string.Join(", ", left.Select(f => $"{f.RuleId} \"{f.Evidence}\""))}.");
        Assert.True(fixedAgain == fixedText, $"Fixing \"{fixedText}\" again gave \"{fixedAgain}\".");
    }

    [Fact]
    public async Task EveryCorpusPostWithAnAutomaticFixChecksCleanForThatRuleOnceFixedAndStaysFixed()
    {
        var withFixes = 0;
        foreach (var post in CorpusData.LoadPosts())
        {
            var (fixedText, before, after) = await FixAndRecheck(post.Body, post.ContentFormat);
            if (!before.Any(f => f.Fix is not null))
            {
                continue;
            }

            withFixes++;
            var (fixedAgain, _, _) = await FixAndRecheck(fixedText, post.ContentFormat);
            AssertFixedPoint(post.Body, fixedText, before, after, fixedAgain);
        }

        Assert.True(withFixes >= 20, $"Only {withFixes} corpus posts have an automatic fix.");
    }

    // Posts made of the sentences that carry names and addresses, around roster students (elementary, restricted,
    // nicknamed) and their addresses, in plain text, Markdown and HTML.
    private static readonly string[] Names = ["Emma Kowalski", "Liam Nowak", "Sofia Hernandez-Reyes", "Mason O'Brien", "Sasha Petrov", "Isabella Martinez", "Elijah Washington", "Olivia Schmidt"];

    private static readonly string[] Addresses = ["ekowalski27@students.kusd.edu", "lnowak28@students.kusd.edu", "nowakfamily@yahoo.com", "kathy.obrien62@gmail.com", "oschmidt25@students.kusd.edu"];

    private static readonly string[] Sentences =
    [
        "Congratulations to {name} on the spelling bee!",
        "Send her a note at {email} and read her story.",
        "Questions? Email {email}.",
        "{name} wrote a poem about fall.",
        "You can write to {email} with questions, or call the office.",
        "Contact: {email}",
        "Thanks to {name}'s family for the cookies.",
        "Ask {name} about the science fair; her parents are at {email}.",
    ];

    private static readonly Gen<string> Post =
        Gen.Select(
            Gen.Int[0, Sentences.Length - 1].Array[1, 4],
            Gen.Int[0, Names.Length - 1],
            Gen.Int[0, Addresses.Length - 1],
            Gen.Int[0, 2],
            (sentences, name, email, format) =>
            {
                var body = string.Join(' ', sentences.Select(i => Sentences[i].Replace("{name}", Names[name], StringComparison.Ordinal).Replace("{email}", Addresses[email], StringComparison.Ordinal)));
                return format switch
                {
                    1 => "**News**\n\n" + body + "\n",
                    2 => "<p>" + body.Replace("&", "&amp;", StringComparison.Ordinal) + "</p>",
                    _ => body,
                };
            });

    [Fact]
    public void GeneratedPostsAreFixedPointsOfTheirFixes()
    {
        Post.Sample(text =>
        {
            var format = text.StartsWith("<p>", StringComparison.Ordinal) ? ContentFormat.Html : text.StartsWith("**", StringComparison.Ordinal) ? ContentFormat.Markdown : ContentFormat.PlainText;
            var (fixedText, before, after) = FixAndRecheck(text, format).GetAwaiter().GetResult();
            var (fixedAgain, _, _) = FixAndRecheck(fixedText, format).GetAwaiter().GetResult();
            AssertFixedPoint(text, fixedText, before, after, fixedAgain);
        }, iter: 60, threads: 1);
    }

    [Theory]
    [InlineData("Send her a note at ekowalski27@students.kusd.edu and read her story.", "read her story.")]
    [InlineData("Questions? Email ekowalski27@students.kusd.edu.", "Questions?")]
    [InlineData("The poem is up. You can write to ekowalski27@students.kusd.edu with questions.", "The poem is up.")]
    [InlineData("Contact: ekowalski27@students.kusd.edu", "")]
    public async Task RemovingAnAddressAlsoRemovesTheWordsThatIntroducedIt(string text, string expected)
    {
        var (fixedText, _, _) = await FixAndRecheck(text, ContentFormat.PlainText);

        Assert.Equal(expected, fixedText);
    }

    [Fact]
    public async Task AConfiguredOfficeContactTakesTheAddressPlace()
    {
        var options = new ModerationOptions { OfficeContact = "the school office (office@kusd.edu)" };
        var engine = new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(new RosterSnapshot(CorpusData.LoadRoster())), options);

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", "Send her a note at ekowalski27@students.kusd.edu and read her story.", ContentFormat.PlainText)] });

        Assert.Equal("Send her a note at the school office (office@kusd.edu) and read her story.", verdict.Sanitized.Fields["body"]);
    }

    [Fact]
    public async Task ARestrictedElementaryStudentGetsOneFindingAndNoReplacement()
    {
        const string text = "Liam Nowak won the spelling bee!";

        var (fixedText, before, _) = await FixAndRecheck(text, ContentFormat.PlainText);

        var finding = Assert.Single(before);
        Assert.Equal(RuleIds.MediaRestrictionName, finding.RuleId);
        Assert.Null(finding.Fix);
        Assert.Equal(text, fixedText);
    }
}
