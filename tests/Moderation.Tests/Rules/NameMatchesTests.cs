using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rules;

public sealed class NameMatchesTests
{
    private static readonly RosterSnapshot Roster = new(new Kusd.Moderation.Roster.Roster(
    [
        new Person { Id = "S1", GivenName = "Liam", FamilyName = "Nowak", Grade = new Grade(3), MediaRestriction = true },
        new Person { Id = "S2", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2) },
    ]));

    private static CheckContext Context(string text, ContentFormat format = ContentFormat.PlainText)
    {
        var field = ContentParser.Parse(new ContentField("body", text, format));
        return new CheckContext(new CheckRequest { Fields = [new ContentField("body", text, format)] }, [field], Roster, new ModerationOptions());
    }

    [Fact]
    public async Task TheNameAnalysisIsBuiltOncePerCheckAndBothRulesReadIt()
    {
        var context = Context("Emma Kowalski and Liam Nowak read together.");
        var names = context.Names;
        var student = new List<Finding>();
        var restricted = new List<Finding>();

        await new StudentNameRule().AnalyzeAsync(context, student, CancellationToken.None);
        await new MediaRestrictionNameRule().AnalyzeAsync(context, restricted, CancellationToken.None);

        Assert.Same(names, context.Names);
        Assert.Equal("Emma Kowalski", Assert.Single(student).Evidence);
        Assert.Equal("Liam Nowak", Assert.Single(restricted).Evidence);
    }

    [Fact]
    public async Task EitherNameRuleRunsAloneWithTheSameResult()
    {
        var restricted = new List<Finding>();

        await new MediaRestrictionNameRule().AnalyzeAsync(Context("Liam Nowak won."), restricted, CancellationToken.None);

        Assert.Equal("Liam Nowak", Assert.Single(restricted).Evidence);
    }

    [Fact]
    public async Task NamesInCodeAreNotReadAsProse()
    {
        var findings = new List<Finding>();

        await new StudentNameRule().AnalyzeAsync(Context("```\nEmma Kowalski\n```\n", ContentFormat.Markdown), findings, CancellationToken.None);

        Assert.Empty(findings);
    }
}
