using System.IO.Compression;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Kusd.Moderation.UploadForm.Tests.FormSteps;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>What a check shows: the summary, a restricted face before and after, plain words, and every screen size.</summary>
[Collection(UploadFormCollection.Name)]
public class ResultTests(UploadFormFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ARestrictedFaceShowsBeforeAndAfterSaysPostOnlyTheCleanedUpCopyAndDownloadsAllAsOneZip()
    {
        var page = await OpenSignedInAsync(fixture);
        await AddPhotosAsync(page, Photo("grace_hopper_512x512.jpg", "assembly.jpg"), Photo("sample1.jpg", "field-trip.jpg"));
        var response = await page.RunAndWaitForResponseAsync(() => CheckAsync(page), r => r.Url.EndsWith("/v1/checks", StringComparison.Ordinal));
        var decision = (await response.JsonAsync())!.Value.GetProperty("decision").GetString();
        Assert.Contains(decision, new[] { "rejected", "approvedWithChanges" });

        var first = page.Locator("#photo-1");
        await Assertions.Expect(first.Locator(".box-restricted")).ToHaveCountAsync(1);
        await Assertions.Expect(first.Locator(".box-restricted")).ToContainTextAsync("Restricted");
        await Assertions.Expect(first.Locator("figure")).ToHaveCountAsync(2);
        await Assertions.Expect(first.Locator("figcaption").Nth(0)).ToHaveTextAsync("Before: as uploaded (do not post)");
        await Assertions.Expect(first.Locator("figcaption").Nth(1)).ToHaveTextAsync("After: the cleaned-up copy");
        Assert.True(await first.Locator("figure").Nth(1).Locator("img").EvaluateAsync<bool>("img => img.decode().then(() => img.naturalWidth > 0)"));
        await Assertions.Expect(first.Locator(".clean-only")).ToHaveTextAsync("Post only the cleaned-up copy.");
        await Assertions.Expect(first.Locator(".findings")).ToContainTextAsync("Box 1 (Restricted, solid thick box)");
        if (decision == "approvedWithChanges")
        {
            await Assertions.Expect(page.Locator("#decision")).ToContainTextAsync("cleaned-up photos only");
        }

        await AssertAxeCleanEverywhereAsync(page, output, "restricted face");
        await ScreenshotAsync(page, "11-restricted-face-before-after");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download all cleaned-up photos" }).ClickAsync());
        Assert.Equal("cleaned-up-photos.zip", download.SuggestedFilename);
        var path = Path.Combine(fixture.DataDirectory, "download-" + Guid.NewGuid().ToString("N") + ".zip");
        await download.SaveAsAsync(path);
        using var archive = ZipFile.OpenRead(path);
        Assert.Equal(["assembly-cleaned.jpg", "field-trip-cleaned.jpg"], archive.Entries.Select(e => e.FullName).Order().ToArray());
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            Assert.True(IsImage(buffer.ToArray()), $"{entry.FullName} in the zip is not an image.");
        }

        using (var assembly = archive.GetEntry("assembly-cleaned.jpg")!.Open())
        using (var buffer = new MemoryStream())
        {
            await assembly.CopyToAsync(buffer);
            Assert.NotEqual(UploadFormFixture.Photo("grace_hopper_512x512.jpg"), buffer.ToArray());
        }

        var single = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the cleaned-up copy of photo 1" }).ClickAsync());
        Assert.Equal("assembly-cleaned.jpg", single.SuggestedFilename);
    }

    [Fact]
    public async Task APostWithSeveralPhotosOpensWithASummaryLinkingEachPhoto()
    {
        var page = await OpenSignedInAsync(fixture);
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption);
        await AddPhotosAsync(page,
            Photo("grace_hopper_512x512.jpg", "assembly.jpg"),
            Photo("640px-IceBlockNearJoekullsarlon.jpg", "glacier.jpg"),
            Photo("sample1.jpg", "field-trip.jpg"));
        await CheckAsync(page);

        var items = page.Locator("#summary .summary-list li");
        await Assertions.Expect(items).ToHaveCountAsync(4);
        await Assertions.Expect(items.Nth(0)).ToContainTextAsync("Caption: 1 thing to change");
        await Assertions.Expect(items.Nth(1)).ToContainTextAsync("Photo 1: assembly.jpg: 1 restricted face blurred: post only the cleaned-up copy");
        await Assertions.Expect(items.Nth(2)).ToContainTextAsync("Photo 2: glacier.jpg: Nothing to change");
        await Assertions.Expect(items.Nth(3)).ToContainTextAsync("Photo 3: field-trip.jpg: Post the cleaned-up copy");
        await Assertions.Expect(page.Locator("#summary .faces-line")).ToHaveTextAsync("Faces in 3 photos: 1 restricted face (blurred in the cleaned-up copy).");
        // The summary comes before the photos, and each link leads to its photo.
        var summaryTop = (await page.Locator("#summary").BoundingBoxAsync())!.Y;
        Assert.True(summaryTop < (await page.Locator("#photo-1").BoundingBoxAsync())!.Y);
        await items.Nth(3).GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#photo-3$"));
        await Assertions.Expect(page.Locator("#photo-3")).ToBeInViewportAsync();
        await AssertAxeCleanEverywhereAsync(page, output, "summary of several photos");
        await ScreenshotAsync(page, "12-summary-three-photos");
    }

    [Fact]
    public async Task TenPhotosOpenWithTheirSummaryAndKeepThePageShort()
    {
        var page = await OpenSignedInAsync(fixture);
        string[] names = ["sample1.jpg", "sample2.jpg", "sample3.jpg", "sample4.jpg", "sample5.jpg", "sample6.jpg",
            "grace_hopper_512x512.jpg", "640px-IceBlockNearJoekullsarlon.jpg", "chelsea.png", "page.png"];
        await AddPhotosAsync(page, [.. names.Select(n => Photo(n))]);
        await CheckAsync(page);
        await Assertions.Expect(page.Locator(".image-result")).ToHaveCountAsync(10);
        await Assertions.Expect(page.Locator("#summary .summary-list li")).ToHaveCountAsync(10);
        var height = await page.EvaluateAsync<int>("document.documentElement.scrollHeight");
        output.WriteLine($"Ten photos: the page is {height} px tall at 1000 x 900.");
        // Issue 15 measured 11,000 px; with small pictures for photos without boxes and notes folded away it is
        // about 7,500 px (1,400 of them the form and its list of ten photos); the check moves focus to the result,
        // which opens with the summary.
        Assert.True(height < 8000, $"The page is {height} px tall.");
        Assert.True((await page.Locator("#summary").BoundingBoxAsync())!.Y < (await page.Locator("#photo-1").BoundingBoxAsync())!.Y);
        await ScreenshotAsync(page, "16-ten-photos");
    }

    [Fact]
    public async Task APhotosLocationIsExplainedPlainlyWithTheTechnicalDetailInADisclosure()
    {
        var page = await OpenSignedInAsync(fixture);
        await AddPhotosAsync(page, Photo("sample1.jpg", "field-trip.jpg"));
        await CheckAsync(page);
        var section = page.Locator("#photo-1");
        await Assertions.Expect(section.Locator(".finding")).ToHaveCountAsync(1);
        await Assertions.Expect(section.Locator(".photo-status")).ToHaveTextAsync("Post the cleaned-up copy: hidden data such as where it was taken is removed.");
        var visible = await section.InnerTextAsync();
        Assert.DoesNotContain("EXIF", visible, StringComparison.Ordinal);
        Assert.DoesNotContain("GPSLatitude", visible, StringComparison.Ordinal);
        Assert.DoesNotContain("image/location", visible, StringComparison.Ordinal);

        await section.GetByText("What was found in this photo").ClickAsync();
        await Assertions.Expect(section.Locator(".finding")).ToContainTextAsync("What to do");
        await section.GetByText("Technical detail").ClickAsync();
        var detail = section.Locator("details.tech");
        await Assertions.Expect(detail).ToContainTextAsync("GPSLatitude");
        await Assertions.Expect(detail).ToContainTextAsync("image/location");
        await AssertAxeCleanEverywhereAsync(page, output, "technical detail open");
    }

    [Fact]
    public async Task DarkModeFollowsTheSystemAndStaysAxeClean()
    {
        var page = await OpenSignedInAsync(fixture, dark: true);
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(21, 23, 27)", background);
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption + " Write to ekowalski27@students.kusd.edu");
        await AddPhotosAsync(page, Photo("grace_hopper_512x512.jpg", "assembly.jpg"), Photo("sample1.jpg", "field-trip.jpg"));
        await CheckAsync(page);
        await AssertAxeCleanAsync(page, output, "results, dark");
        await ScreenshotAsync(page, "13-results-dark");
    }

    [Fact]
    public async Task ResultsReflowAt320PixelsWithoutSidewaysScrolling()
    {
        var page = await fixture.NewPageAsync(width: 320, height: 640);
        await page.GotoAsync(fixture.Address.ToString());
        Assert.True(await FitsAsync(page), "The signed-out page scrolls sideways at 320 px.");
        await SignInAsync(page, fixture.CheckKey);
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption + " Write to ekowalski27@students.kusd.edu or see https://example-shop.com/a/very/long/path/that/does/not/break/by/itself");
        await AddPhotosAsync(page, Photo("grace_hopper_512x512.jpg", "a-photo-with-a-rather-long-file-name-from-the-camera-roll.jpg"));
        await CheckAsync(page);
        Assert.True(await FitsAsync(page), "The results scroll sideways at 320 px.");
        await ScreenshotAsync(page, "14-results-320px");
    }
}
