using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Tests.Rules;

/// <summary>
/// The kinds of wrong finding a real school website gave (issue 12), each as a small page of our own: what is
/// published content, what is a link, and how many findings one link gives.
/// </summary>
public sealed class RealContentShapesTests
{
    private static async Task<IReadOnlyList<Finding>> Check(string text, ContentFormat format, string field = "body")
    {
        var options = new ModerationOptions();
        var engine = new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(RosterSnapshot.Empty), options);
        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField(field, text, format)] });
        Assert.DoesNotContain(verdict.Findings, f => f.RuleId == RuleIds.CheckUnavailable);
        return verdict.Findings;
    }

    [Fact]
    public async Task StylesheetsFontsScriptsPreconnectIconsAndIframesAreNotLinks()
    {
        const string html = """
            <html><head>
            <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.0/dist/css/bootstrap.min.css">
            <link rel="preconnect" href="https://fonts.gstatic.com">
            <link href="https://fonts.googleapis.com/css2?family=Lato" rel="stylesheet">
            <link rel="icon" href="https://cdn.shopify.com/favicon.ico">
            <script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
            <script>var site = "https://tracker.example.com/x"; document.name = "a";</script>
            <style>body { background: url(https://img.example.com/bg.png) }</style>
            </head><body>
            <iframe src="https://www.google.com/maps/embed?pb=!1m18"></iframe>
            <form action="https://formspree.io/f/abc"><input value="Send"></form>
            <!-- old link: https://shop.example.com -->
            <template><a href="https://shop.example.com">later</a></template>
            <p>Welcome back!</p>
            </body></html>
            """;

        Assert.Empty(await Check(html, ContentFormat.Html));
    }

    [Fact]
    public async Task AnchorsAndAreasAreStillLinks()
    {
        const string html = """<p><a href="https://www.shopmart.com/deals">Deals</a></p><map><area href="https://coach.blogspot.com/" alt="blog"></map>""";

        var findings = await Check(html, ContentFormat.Html);

        Assert.Equal(["https://www.shopmart.com/deals", "https://coach.blogspot.com/"], findings.Select(f => f.Evidence));
        Assert.All(findings, f => Assert.Equal(Severity.Error, f.Severity));
    }

    [Fact]
    public async Task CodeSpansAndFencedBlocksAreNotProseForIdsAndLinksButEmailsThereAreStillFound()
    {
        const string md = """
            Our colour is `#103741`, and the settings look like this:

            ```js
            const name = config.name;
            const phone = config.phone;
            fetch("https://api.example.com/v1/items");
            // contact ava.k@students.kusd.edu
            ```
            """;

        var findings = await Check(md, ContentFormat.Markdown);

        var finding = Assert.Single(findings);
        Assert.Equal(RuleIds.EmailStudent, finding.RuleId);
    }

    [Fact]
    public async Task LinkTextThatIsItsOwnAddressGivesOneFindingInMarkdownAndHtml()
    {
        Assert.Single(await Check("Go to [shopmart.com/page](http://shopmart.com/page) now.", ContentFormat.Markdown));
        Assert.Single(await Check("Go to <https://shopmart.com/page> now.", ContentFormat.Markdown));
        Assert.Single(await Check("""<p>Go to <a href="https://www.shopmart.com/page" target="_blank" rel="noopener"><strong>shopmart.com/page</strong></a></p>""", ContentFormat.Html));
    }

    [Fact]
    public async Task TheSameAddressInTwoPlacesIsReportedAtEachPlaceOnce()
    {
        var findings = await Check("Order at shopmart.com/page today.\n\nAgain: [shopmart.com/page](https://shopmart.com/page)", ContentFormat.Markdown);

        Assert.Equal(2, findings.Count);
        Assert.Equal(2, findings.Select(f => f.Span).Distinct().Count());
    }

    [Fact]
    public async Task AnUnknownOrgIsAWarningACommercialTldAnErrorAndAPublicBodyAbroadIsAllowed()
    {
        var findings = await Check("Read https://www.publicradio.org/story and https://creativecommons.org/licenses/by/4.0/, buy at https://shopmart.com/x, see https://www.scotborders.gov.uk/schools and https://www.nhs.uk/conditions/", ContentFormat.PlainText);

        Assert.Equal(
            [("https://www.publicradio.org/story", Severity.Warning), ("https://creativecommons.org/licenses/by/4.0/", Severity.Warning), ("https://shopmart.com/x", Severity.Error)],
            findings.Select(f => (f.Evidence!, f.Severity)));
    }

    [Theory]
    [InlineData("Set config.name and config.phone in the file.")]
    [InlineData("Upload photo.jpeg and app.js, then run version 1.2.3 or v2.0.1.")]
    [InlineData("The page.date and site.name fields fill {{ page.title }}.")]
    [InlineData("Start the site at http://localhost:4000/ to preview it.")]
    public async Task IdentifiersFileNamesVersionsAndLocalhostAreNotLinks(string text)
    {
        Assert.Empty(await Check(text, ContentFormat.PlainText));
    }

    [Theory]
    [InlineData("Visit pbskids.org for games.", Severity.Warning)]
    [InlineData("Order at shopmart.com today.", Severity.Error)]
    [InlineData("Details at shopmart.shop/spring-sale.", Severity.Error)]
    public async Task BareDomainsPeopleTypeAreStillLinks(string text, Severity severity)
    {
        var finding = Assert.Single(await Check(text, ContentFormat.PlainText));
        Assert.Equal(severity, finding.Severity);
    }

    [Fact]
    public async Task TextReadFromAnImageGivesAWarningOnlyForUrlShapedAddresses()
    {
        const string ocr = "ssh deploy@build01.example.com\nproxy: cache.example.net:3128\nhttps://www.shopmart.com/deals";

        var finding = Assert.Single(await Check(ocr, ContentFormat.PlainText, "images[0]#text"));

        Assert.Equal("https://www.shopmart.com/deals", finding.Evidence);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public async Task FrontMatterIsCheckedOnlyWherePublished()
    {
        const string md = """
            ---
            layout: post
            permalink: /news/shopmart.com/
            color: "#103741"
            title: Thanks to shopmart.com for the prizes
            image: https://img.shopmart.com/prize.jpg
            button:
              href: https://coach.blogspot.com/
            ---
            The party was great.
            """;

        var findings = await Check(md, ContentFormat.Markdown);

        Assert.Equal(["shopmart.com", "https://coach.blogspot.com/"], findings.Select(f => f.Evidence));
        Assert.Equal(md.IndexOf("shopmart.com for", StringComparison.Ordinal), findings[0].Span!.Value.Start);
    }

    [Fact]
    public async Task TomlFrontMatterIsReadTheSameWay()
    {
        const string md = "+++\ntitle = \"Shop at shopmart.com\"\ndraft = false\n+++\nHello.\n";

        var finding = Assert.Single(await Check(md, ContentFormat.Markdown));

        Assert.Equal("shopmart.com", finding.Evidence);
    }

    [Fact]
    public async Task FilesAContentSystemUploadedToAMediaStoreAreNotOtherWebsites()
    {
        Assert.Empty(await Check("[Term dates](https://res.cloudinary.com/demo/image/upload/v1/term-dates.pdf)", ContentFormat.Markdown));
    }

    [Theory]
    [InlineData("S")]
    [InlineData("Room S is open.")]
    [InlineData("Grades: A, B, S")]
    public async Task ALoneLetterSDoesNotStopTheNameRules(string text)
    {
        Assert.Empty(await Check(text, ContentFormat.PlainText));
    }
}
