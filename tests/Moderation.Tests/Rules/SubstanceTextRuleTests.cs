using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;

namespace Kusd.Moderation.Tests.Rules;

public sealed class SubstanceTextRuleTests
{
    private static List<Finding> Run(string text) => ExplicitTextRuleTests.Run(new SubstanceTextRule(), text);

    [Theory]
    [InlineData("Join the PTO at the beer garden after the game!", "beer garden")]
    [InlineData("Wine tasting fundraiser on Friday", "Wine tasting")]
    [InlineData("Staff night: margaritas on the patio", "margaritas")]
    [InlineData("He was caught with a vape in the bathroom", "vape")]
    [InlineData("Juul pods found", "Juul")]
    [InlineData("Smoke weed every day", "weed")]
    [InlineData("Legal marijuana dispensary coupons", "marijuana")]
    [InlineData("cannabis grow tips", "cannabis")]
    [InlineData("Homemade edibles for sale", "edibles")]
    [InlineData("Buy cigarettes here", "cigarettes")]
    [InlineData("A cigar for the coach", "cigar")]
    [InlineData("Hookah lounge grand opening", "Hookah")]
    [InlineData("Let's get lit this weekend", "get lit")]
    [InlineData("Teacher happy hour at 5", "happy hour")]
    [InlineData("The keg is in the garage", "keg")]
    [InlineData("The brewery tour", "brewery")]
    [InlineData("bourbon tasting", "bourbon")]
    [InlineData("tequila for everyone", "tequila")]
    [InlineData("THC gummies", "THC")]
    [InlineData("CBD oil", "CBD")]
    [InlineData("Happy 420 everyone", "Happy 420")]
    [InlineData("Snorted cocaine", "cocaine")]
    [InlineData("Sm0king w33d", "w33d")]
    [InlineData("Free beer for all parents", "beer")]
    [InlineData("Margarita Monday for our teachers - you survived report cards! \U0001F379", "Margarita")]
    [InlineData("Nothing beats a cold IPA after the 5K \U0001F37A", "IPA")]
    [InlineData("Staff party: Bloody Mary bar!", "Bloody Mary")]
    [InlineData("I dare you to try a beer", "beer")]
    public void SubstanceUseIsAWarningWithEvidenceAsWritten(string text, string evidence)
    {
        var finding = Assert.Single(Run(text));
        Assert.Equal(RuleIds.SubstanceText, finding.RuleId);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(PolicyRefs.Substances, finding.Policy);
        Assert.Null(finding.Fix);
        Assert.Equal(evidence, finding.Evidence);
        Assert.Equal(text.IndexOf(evidence, StringComparison.Ordinal), finding.Span!.Value.Start);
    }

    [Theory]
    [InlineData("We did tequila shots at the bar", new[] { "tequila", "shots" })]
    [InlineData("Smoking pot behind the gym", new[] { "pot" })]
    [InlineData("He rolled a joint", new[] { "joint" })]
    public void AmbiguousWordFiresBesideAWordOfTheSameKind(string text, string[] evidence)
    {
        Assert.Equal(evidence, Run(text).Select(f => f.Evidence));
    }

    [Theory]
    [InlineData("Red Ribbon Week: wear red to show you are drug-free! Learn about vaping, marijuana and alcohol.")]
    [InlineData("Our school is a tobacco-free campus.")]
    [InlineData("Vaping is prohibited on school grounds.")]
    [InlineData("Say no to drugs!")]
    [InlineData("D.A.R.E. graduation: officers talked about cigarettes and alcohol.")]
    [InlineData("DARE graduation: officers talked about cigarettes and alcohol.")]
    [InlineData("Alcohol awareness month starts Monday.")]
    [InlineData("Substance abuse prevention night: fentanyl, vaping and cannabis facts for parents.")]
    [InlineData("This is a smoke-free building.")]
    [InlineData("Anti-vaping posters by 7th graders")]
    [InlineData("The dangers of vaping, explained by our school nurse")]
    [InlineData("Drug prevention assembly on Tuesday: Officer Diaz will talk about vaping, marijuana, alcohol and cigarettes.")]
    [InlineData("No alcohol will be served at the dance.")]
    [InlineData("An alcohol-free after-prom party")]
    [InlineData("Naloxone training for staff: recognising an opioid overdose")]
    [InlineData("Students who want to quit vaping can see the nurse.")]
    [InlineData("Alcohol is not allowed at games.")]
    [InlineData("A student was found with a vape pen.\nPlease talk with your children about the health risks of vaping.")]
    public void PreventionAndEducationContextIsNotReported(string text)
    {
        Assert.Empty(Run(text));
    }

    [Theory]
    [InlineData("Flu shots in the nurse's office; she hit the shot with no time on the shot clock.")]
    [InlineData("Great shot! Our photo shot list is ready.")]
    [InlineData("Potluck on Friday: bring a pot of soup.")]
    [InlineData("Please keep off the grass.")]
    [InlineData("Joint meeting of the PTO and school board")]
    [InlineData("Welcome to Tremper High School, home of the high jump champions.")]
    [InlineData("Coke and popcorn at the concession stand")]
    [InlineData("Crack the code in coding club")]
    [InlineData("Root beer floats and ginger ale")]
    [InlineData("Congratulations to Bud Johnson and Molly Peters!")]
    [InlineData("Sonoma is in wine country.")]
    [InlineData("The cotton gin changed farming; the House of Bourbon ruled France.")]
    [InlineData("I dare you to read 20 books this summer.")]
    [InlineData("Shrimp cocktail at the staff luncheon; show your school spirit")]
    [InlineData("Room 420 is the science lab.")]
    [InlineData("Use blunt scissors in kindergarten.")]
    [InlineData("Congratulations to Margarita Lopez, our speller of the year! \U0001F389")]
    [InlineData("Mary I of England was called Bloody Mary. Learn the IPA symbols in French class.")]
    [InlineData("Non-alcoholic punch will be served.")]
    [InlineData("Family resources: https://www.cdc.gov/tobacco and www.example.org/beer")]
    [InlineData("Weed pulling day at the community garden, then a joint meeting of the garden club.")]
    public void TrapWordsAreNotSubstances(string text)
    {
        Assert.Empty(Run(text));
    }

    [Fact]
    public void PreventionCueDoesNotExcuseAnotherParagraph()
    {
        var findings = Run("Red Ribbon Week starts Monday.\n\nAfterwards, parents meet at the beer garden.");
        Assert.Equal("beer garden", Assert.Single(findings).Evidence);
    }

    [Fact]
    public async Task EngineWithDefaultRulesSendsSubstanceTextToReview()
    {
        var engine = new ModerationEngine(
            DefaultRules.CreateTextRules(new ModerationOptions()), new FixedRosterProvider(RosterSnapshot.Empty), new ModerationOptions());
        var text = "<p>Staff happy hour at the brewery!</p>";
        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text, ContentFormat.Html)] });
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
        var findings = verdict.Findings.Where(f => f.RuleId == RuleIds.SubstanceText).ToList();
        Assert.Equal(["happy hour", "brewery"], findings.Select(f => f.Evidence));
        Assert.All(findings, f => Assert.Equal(f.Evidence, text[f.Span!.Value.Start..f.Span!.Value.End]));
    }
}
