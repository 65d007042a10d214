using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rules;

public sealed class ExplicitTextRuleTests
{
    /// <summary>Runs one rule over a field through the real parser, as the engine does.</summary>
    internal static List<Finding> Run(IContentRule rule, string text, ContentFormat format = ContentFormat.PlainText)
    {
        var request = new CheckRequest { Fields = [new ContentField("body", text, format)] };
        var context = new CheckContext(request, [ContentParser.Parse(request.Fields[0])], RosterSnapshot.Empty, new ModerationOptions());
        var findings = new List<Finding>();
        var pending = rule.AnalyzeAsync(context, findings, CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        return findings;
    }

    private static List<Finding> Run(string text) => Run(new ExplicitTextRule(), text);

    [Theory]
    [InlineData("Watch free porn here", "porn")]
    [InlineData("Best PORNO site", "PORNO")]
    [InlineData("watch p0rn now", "p0rn")]
    [InlineData("click for pr0n", "pr0n")]
    [InlineData("watch p.o.r.n now", "p.o.r.n")]
    [InlineData("watch p o r n now", "p o r n")]
    [InlineData("watch p-o-r-n now", "p-o-r-n")]
    [InlineData("watch pooorn now", "pooorn")]
    [InlineData("hot s3x tonight", "s3x")]
    [InlineData("hot $ex tonight", "$ex")]
    [InlineData("hot s.e.x tonight", "s.e.x")]
    [InlineData("hot SEXXX tonight", "SEXXX")]
    [InlineData("they had sex after prom", "had sex")]
    [InlineData("what the f*ck", "f*ck")]
    [InlineData("what the fuck", "fuck")]
    [InlineData("send nudes", "send nudes")]
    [InlineData("nice d!ck", "d!ck")]
    [InlineData("pornhub.com/video", "pornhub")]
    [InlineData("magna c.u.m", "c.u.m")]
    [InlineData("what a load of sh!t", "sh!t")]
    [InlineData("Total bullshit from the refs", "bullshit")]
    [InlineData("alt: naked cheerleaders", "naked")]
    [InlineData("That was a pornographic level of dunking tonight", "pornographic")]
    public void ExplicitTermIsAnErrorWithEvidenceAsWritten(string text, string evidence)
    {
        var finding = Assert.Single(Run(text));
        Assert.Equal(RuleIds.ExplicitText, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(PolicyRefs.Explicit, finding.Policy);
        Assert.Null(finding.Fix);
        Assert.Equal(evidence, finding.Evidence);
        Assert.Equal(text.IndexOf(evidence, StringComparison.Ordinal), finding.Span!.Value.Start);
        Assert.Equal(evidence.Length, finding.Span!.Value.Length);
    }

    [Theory]
    [InlineData("kiss my @ss", "@ss")]
    [InlineData("kiss my a$$", "a$$")]
    [InlineData("don't be an asssss", "asssss")]
    [InlineData("the nude figure drawing class", "nude")]
    public void MilderOrAmbiguousWordIsAWarning(string text, string evidence)
    {
        var finding = Assert.Single(Run(text));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(evidence, finding.Evidence);
    }

    [Theory]
    [InlineData("Our exchange students come from Essex, Middlesex and Sussex.")]
    [InlineData("The Scunthorpe United academy visited.")]
    [InlineData("Mocktail and cocktail sauce recipes; shrimp cocktail")]
    [InlineData("We read Dickens and Moby Dick in English class.")]
    [InlineData("The assessment will pass if the class passes.")]
    [InlineData("Data analysis with our school therapist")]
    [InlineData("shitake and shiitake mushrooms from the cockpit garden")]
    [InlineData("Title IX coordinator: John Hancock, Babcock Hall")]
    [InlineData("bass, grape, butterfly, sextant, sextet, scrap")]
    [InlineData("Cumberland cumulative GPA; specialist")]
    [InlineData("Buy shoes at Dick's Sporting Goods")]
    [InlineData("Breast cancer awareness walk; breaststroke finals")]
    [InlineData("Sex education and our sexual harassment policy")]
    [InlineData("Title IX forbids discrimination on the basis of sex.")]
    [InlineData("Graduated summa cum laude and magna cum laude")]
    [InlineData("Pussy willows in the kindergarten garden")]
    [InlineData("The rooster (a cock) crowed at the farm visit.")]
    [InlineData("Damn, that was a crap game, hell of a comeback.")]
    [InlineData("Grades 3, 4 and 5 read Classic Tales. As a class, we pass.")]
    [InlineData("Super Bowl XXX trivia night")]
    [InlineData("Use a paint stripper before refinishing the bench.")]
    [InlineData("Naked mole rats can be seen with the naked eye at the zoo.")]
    [InlineData("We assess Bonner's essay; who're you?")]
    [InlineData("Poorness and passes")]
    [InlineData("The acceptable use policy forbids viewing pornographic material on district devices.")]
    [InlineData("Internet safety night: talking with kids about sexting and pornography")]
    [InlineData("Students learned how a penis and vagina develop in health class.")]
    public void InnocentTextIsNotExplicit(string text)
    {
        Assert.Empty(Run(text));
    }

    [Theory]
    [InlineData("free p\u043Ern here", "p\u043Ern")]
    [InlineData("free \uFF50\uFF4F\uFF52\uFF4E here", "\uFF50\uFF4F\uFF52\uFF4E")]
    public void LookAlikeLettersDoNotHideAWord(string text, string evidence)
    {
        Assert.Equal(evidence, Assert.Single(Run(text)).Evidence);
    }

    [Fact]
    public void ExplicitLinkTargetInHtmlIsFoundInTheHref()
    {
        var html = "<p>Great <a href=\"https://www.pornhub.com/x\">videos</a></p>";
        var finding = Assert.Single(Run(new ExplicitTextRule(), html, ContentFormat.Html));
        Assert.Equal("pornhub", finding.Evidence);
        Assert.Equal(html.IndexOf("pornhub", StringComparison.Ordinal), finding.Span!.Value.Start);
    }

    [Fact]
    public void EveryOccurrenceIsReportedSeparately()
    {
        var findings = Run("porn, more porn");
        Assert.Equal([0, 11], findings.Select(f => f.Span!.Value.Start));
    }

    [Fact]
    public void ZeroWidthCharactersInsideAWordDoNotHideIt()
    {
        // The normaliser drops invisible characters; the span still covers the word as written.
        var text = "free po\u200Brn here";
        var finding = Assert.Single(Run(text));
        Assert.Equal("po\u200Brn", finding.Evidence);
    }

    [Fact]
    public async Task EngineWithDefaultRulesRejectsExplicitText()
    {
        var engine = new ModerationEngine(
            DefaultRules.CreateTextRules(new ModerationOptions()), new FixedRosterProvider(RosterSnapshot.Empty), new ModerationOptions());
        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", "Check out this p.o.r.n link")] });
        Assert.Equal(Decision.Rejected, verdict.Decision);
        var finding = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.ExplicitText);
        Assert.Equal("p.o.r.n", finding.Evidence);
    }

    [Fact]
    public async Task EngineWithDefaultRulesApprovesScunthorpeText()
    {
        var engine = new ModerationEngine(
            DefaultRules.CreateTextRules(new ModerationOptions()), new FixedRosterProvider(RosterSnapshot.Empty), new ModerationOptions());
        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", "Essex cocktail class in Scunthorpe")] });
        Assert.DoesNotContain(verdict.Findings, f => f.RuleId == RuleIds.ExplicitText);
    }
}
