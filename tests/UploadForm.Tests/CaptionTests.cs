using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Kusd.Moderation.UploadForm.Tests.FormSteps;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>The caption: highlights, the server's own rule texts, and fixes the admin can trust.</summary>
[Collection(UploadFormCollection.Name)]
public class CaptionTests(UploadFormFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task AnElementaryStudentsFullNameIsHighlightedAndExplainedInTheServersOwnWords()
    {
        var page = await OpenSignedInAsync(fixture);
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption);
        await CheckAsync(page);

        await Assertions.Expect(page.Locator("#caption-marked mark")).ToContainTextAsync("Emma Kowalski");
        await Assertions.Expect(page.Locator("#caption-marked .fix")).ToContainTextAsync("Emma K.");
        await Assertions.Expect(page.Locator("#announce")).ToContainTextAsync("Check done");

        // The words come from GET /v1/rules, not from a copy in the page.
        using var client = new HttpClient { BaseAddress = fixture.Address };
        var catalog = await client.GetFromJsonAsync<JsonElement>("/v1/rules");
        var rule = catalog.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "student-name/elementary");
        var findings = page.Locator("#caption-findings");
        await Assertions.Expect(findings).ToContainTextAsync(rule.GetProperty("title").GetString()!);
        await Assertions.Expect(findings).ToContainTextAsync(rule.GetProperty("help").GetString()!);
        var script = await client.GetStringAsync("/js/verdict.js");
        Assert.DoesNotContain(rule.GetProperty("title").GetString()!, script, StringComparison.Ordinal);

        await AssertAxeCleanEverywhereAsync(page, output, "caption results");
        await ScreenshotAsync(page, "06-caption-results");
    }

    [Fact]
    public async Task ApplyingFixesWorksOnTheCaptionAsEditedChecksItAgainAndOnlyThenOffersCopy()
    {
        var page = await OpenSignedInAsync(fixture);
        const string original = "Emma Kowalski won the spelling bee! Photos at https://example-shop.com/emma";
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(original);
        await CheckAsync(page);
        await Assertions.Expect(page.Locator("#caption-marked mark")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#copy-caption")).ToBeHiddenAsync();

        // The admin deletes the link by hand: the old highlights are now about other text, and say so.
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync("Emma Kowalski won the spelling bee! Well done!");
        await Assertions.Expect(page.Locator("#caption-stale")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#copy-caption")).ToBeHiddenAsync();
        await AssertAxeCleanEverywhereAsync(page, output, "stale caption results");
        await ScreenshotAsync(page, "07-caption-edited-after-check");

        var checks = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/v1/checks", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref checks);
            }
        };
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply all fixes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#caption")).ToHaveValueAsync("Emma K. won the spelling bee! Well done!", new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#caption-stale")).ToBeHiddenAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#caption-findings")).ToContainTextAsync("Nothing to change in the caption", new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#caption-marked mark")).ToHaveCountAsync(0);
        Assert.Equal(2, checks); // fixes applied to the text as it is, then the fixed text checked again
        await Assertions.Expect(page.Locator("#copy-caption")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#decision")).ToContainTextAsync("Ready to publish");
        await AssertAxeCleanEverywhereAsync(page, output, "fixed caption");
        await ScreenshotAsync(page, "08-caption-fixed-and-checked");

        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the checked caption" }).ClickAsync();
        await Assertions.Expect(page.Locator("#announce")).ToHaveTextAsync("The checked caption is copied.");
    }
}
