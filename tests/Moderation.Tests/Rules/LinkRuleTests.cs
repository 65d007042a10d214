using Kusd.Moderation.Content;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rules;

public sealed class LinkRuleTests
{
    [Theory]
    [InlineData("https://www.kusd.edu/calendar")]
    [InlineData("https://lincoln.kusd.edu")]
    [InlineData("www.kusd.edu")]
    [InlineData("kusd.edu/enroll")]
    [InlineData("https://dpi.wi.gov/school-nutrition")]
    [InlineData("https://www.uwp.edu/")]
    [InlineData("https://www.army.mil/")]
    [InlineData("http://www.racine.k12.wi.us/")]
    [InlineData("http://district.k12.mn.us/news")]
    public void DistrictAndPublicInstitutionLinksAreAllowed(string url)
    {
        Assert.Empty(Run($"Read more at {url} today."));
    }

    [Theory]
    [InlineData("https://jane-doe.blogspot.com/2024/05/field-trip.html", "personal website")]
    [InlineData("https://coachsmith.wordpress.com", "personal website")]
    [InlineData("https://mrsjones.wixsite.com/class", "personal website")]
    [InlineData("https://sites.google.com/view/mrjones", "personal website")]
    [InlineData("https://linktr.ee/coachk", "personal website")]
    [InlineData("https://someone.github.io/", "personal website")]
    [InlineData("https://medium.com/@teacher/post", "personal website")]
    [InlineData("https://www.facebook.com/jane.doe.123", "social-media profile")]
    [InlineData("https://instagram.com/coach_k", "social-media profile")]
    [InlineData("https://www.tiktok.com/@dancer", "social-media profile")]
    [InlineData("https://x.com/someone", "social-media profile")]
    [InlineData("https://www.youtube.com/@channel", "social-media profile")]
    [InlineData("https://www.amazon.com/dp/B000", "commercial website")]
    [InlineData("https://www.signupgenius.com/go/123", "commercial website")]
    [InlineData("signupgenius.com/go/123", "commercial website")]
    [InlineData("www.pizzahut.com", "commercial website")]
    [InlineData("https://news.bbc.co.uk/story", "commercial website")]
    [InlineData("https://www.facebook.com/", "commercial website")]
    public void PersonalAndCommercialLinksAreErrorsNamingTheirClass(string url, string className)
    {
        var text = $"Read more at {url} today.";

        var finding = Assert.Single(Run(text));

        Assert.Equal(RuleIds.LinkExternal, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(PolicyRefs.Links, finding.Policy);
        Assert.Contains(className, finding.Message, StringComparison.Ordinal);
        Assert.Equal(url, finding.Evidence);
        Assert.Null(finding.Fix);
    }

    [Theory]
    [InlineData("https://bit.ly/3abcDEF")]
    [InlineData("tinyurl.com/y4abc")]
    [InlineData("https://t.co/xyz")]
    [InlineData("http://ow.ly/abc")]
    public void ShortenersAreWarningsWithAnUnknownDestination(string url)
    {
        var finding = Assert.Single(Run($"Forms: {url}"));

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("destination is unknown", finding.Message, StringComparison.Ordinal);
        Assert.Equal(url, finding.Evidence);
    }

    [Theory]
    [InlineData("https://\u043Ausd.edu/login")] // Cyrillic ka
    [InlineData("https://kusd.\u0435du/login")] // Cyrillic ie in the TLD
    [InlineData("https://xn--usd-bed.edu/login")] // the same Cyrillic ka, as punycode
    public void LookAlikeDistrictHostsAreFlaggedAsImitations(string url)
    {
        var finding = Assert.Single(Run($"Log in: {url}"));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains("imitates the district", finding.Message, StringComparison.Ordinal);
        Assert.Equal(url, finding.Evidence);
    }

    [Fact]
    public void TheDistrictNameAsASubdomainOfAnotherSiteIsAnImitation()
    {
        var finding = Assert.Single(Run("Log in: https://kusd.edu.account-check.com/"));

        Assert.Contains("imitates the district", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AUserNameThatLooksLikeTheDistrictDoesNotHideTheRealHost()
    {
        var finding = Assert.Single(Run("Log in: https://kusd.edu@evil.com/login"));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains("commercial website", finding.Message, StringComparison.Ordinal);
        Assert.Contains("disguises", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowListEntriesCoverSubdomainsAndPathPrefixes()
    {
        var options = new ModerationOptions { AllowedLinkHosts = ["signupgenius.com", "facebook.com/KenoshaUnified", "https://www.youtube.com/@KUSD/"] };

        Assert.Empty(Run("https://www.signupgenius.com/go/1 and https://www.facebook.com/kenoshaunified/posts/2 and https://youtube.com/@KUSD", options));
        var findings = Run("https://www.facebook.com/KenoshaUnifiedFans and https://www.youtube.com/@KUSDfan", options);
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Contains("social-media profile", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ALookAlikeOfAnAllowedSiteIsNotAllowed()
    {
        var options = new ModerationOptions { AllowedLinkHosts = ["signupgenius.com"] };

        var finding = Assert.Single(Run("https://signupg\u0435nius.com/go/1", options));

        Assert.Contains("imitates a site on the district's allow list", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Use good sources, e.g. the library.")]
    [InlineData("Thanks to Mr.Smith for coaching.")]
    [InlineData("Upload report.pdf by Friday; the score was 3.5.")]
    [InlineData("Email jdoe@gmail.com for tickets.")]
    public void ProseIsNotALink(string text)
    {
        Assert.Empty(Run(text));
    }

    [Fact]
    public void LinkTargetsAreCheckedAndImageSourcesAreNotLinks()
    {
        const string html = "<a href=\" https://coach.blogspot.com/x \">blog</a><img src=\"https://cdn.shop.com/a.jpg\"><a href=\"/news\">n</a><a href=\"mailto:a@b.com\">m</a><a href=\"#top\">t</a>";
        var field = Segments(html, "https://coach.blogspot.com/x ", "https://cdn.shop.com/a.jpg", "/news", "mailto:a@b.com", "#top");

        var findings = RuleHarness.Run(new LinkRule(), field);

        Assert.Equal(["https://coach.blogspot.com/x"], findings.Select(f => f.Evidence));
    }

    [Fact]
    public async Task TheEngineReadsHrefsOfHtmlButNotImageSources()
    {
        const string html = "<p>See <a href=\"https://coach.blogspot.com/x\">my blog</a>, <a href=\"/news\">news</a> and <a href=\"https://www.kusd.edu/\">us</a>.</p><img src=\"https://cdn.shop.com/a.jpg\" alt=\"logo\">";
        var engine = new ModerationEngine([new LinkRule()], new Kusd.Moderation.Roster.FixedRosterProvider(Kusd.Moderation.Roster.RosterSnapshot.Empty), new ModerationOptions());

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", html, ContentFormat.Html)] });

        Assert.Equal(Decision.Rejected, verdict.Decision);
        Assert.Equal(["https://coach.blogspot.com/x"], verdict.Findings.Select(f => f.Evidence));
        Assert.All(verdict.Findings, f => Assert.Equal(f.Evidence, html[f.Span!.Value.Start..f.Span.Value.End]));
    }

    [Theory]
    [InlineData(ContentFormat.Markdown, "[www.pizzahut.com/menu](https://www.pizzahut.com/menu) and ")]
    [InlineData(ContentFormat.Html, "<a href=\"https://www.pizzahut.com/menu\"><strong>www.pizzahut.com/menu</strong></a> and ")]
    public async Task InAnArchiveOfManyCopiesOfOneLinkEachLinkWhoseTextIsItsAddressIsReportedOnceAtItsTarget(ContentFormat format, string link)
    {
        // A newsletter archive repeats one address hundreds of times: the visible text of each link is matched to
        // its own target, never to a copy elsewhere, and each link is one finding.
        var text = string.Concat(Enumerable.Repeat(link, 600));
        var engine = new ModerationEngine([new LinkRule()], new Kusd.Moderation.Roster.FixedRosterProvider(Kusd.Moderation.Roster.RosterSnapshot.Empty), new ModerationOptions());

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text, format)] });

        Assert.Equal(600, verdict.Findings.Count);
        Assert.All(verdict.Findings, f => Assert.Equal("https://www.pizzahut.com/menu", f.Evidence));
    }

    [Fact]
    public void TheDefaultTextRulesIncludeTheLinkRule()
    {
        Assert.Contains(DefaultRules.CreateTextRules(new ModerationOptions()), r => r is LinkRule);
    }

    private static List<Finding> Run(string text, ModerationOptions? options = null) =>
        RuleHarness.Run(new LinkRule(), RuleHarness.Plain(text), options: options);

    // Link targets first, image sources where the value looks like an image; each value as a slice of the HTML.
    private static ParsedField Segments(string html, params string[] values)
    {
        var slices = new List<(SegmentKind, int, int)>();
        var from = 0;
        foreach (var value in values)
        {
            var at = html.IndexOf(value, from, StringComparison.Ordinal);
            var kind = html.LastIndexOf("src=", at, StringComparison.Ordinal) > html.LastIndexOf("href=", at, StringComparison.Ordinal) ? SegmentKind.ImageSource : SegmentKind.LinkTarget;
            slices.Add((kind, at, at + value.Length));
            from = at + value.Length;
        }

        return RuleHarness.Segments(html, ContentFormat.Html, [.. slices]);
    }
}
