using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Kusd.Moderation.UploadForm.Tests.FormSteps;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>Each photo on its own: seen at once, checked in the browser against the server's limits, refused by name.</summary>
[Collection(UploadFormCollection.Name)]
public class PhotoTests(UploadFormFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ChosenPhotosShowThumbnailsAtOnceAndNoNoFileChosenText()
    {
        var page = await OpenSignedInAsync(fixture);
        await AddPhotosAsync(page, Photo("grace_hopper_512x512.jpg", "assembly.jpg"), Photo("chelsea.png"));
        var thumbs = page.Locator("#file-list .thumb img");
        await Assertions.Expect(thumbs).ToHaveCountAsync(2);
        Assert.True(await thumbs.First.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The thumbnail did not load.");
        await Assertions.Expect(page.Locator("#files-chosen")).ToHaveTextAsync("2 photos ready to check.");
        Assert.DoesNotContain("No file chosen", await page.InnerTextAsync("#checker"), StringComparison.Ordinal);
        var input = await page.Locator("#files").BoundingBoxAsync();
        Assert.True(input is null || (input.Width <= 1 && input.Height <= 1), "The native file input (and its 'No file chosen') is visible.");
        await AssertAxeCleanEverywhereAsync(page, output, "photos chosen");
        await ScreenshotAsync(page, "09-photos-chosen");
    }

    [Fact]
    public async Task TheAcceptedTypesAndSizesComeFromTheServersLimits()
    {
        var page = await OpenSignedInAsync(fixture);
        using var client = new HttpClient { BaseAddress = fixture.Address };
        var limits = await client.GetFromJsonAsync<JsonElement>("/v1/limits");
        Assert.Equal(UploadFormFixture.MaxImageBytes, limits.GetProperty("maxImageBytes").GetInt64());
        var hint = page.Locator("#files-hint");
        await Assertions.Expect(hint).ToContainTextAsync("GIF");
        await Assertions.Expect(hint).ToContainTextAsync("BMP");
        await Assertions.Expect(hint).ToContainTextAsync("TIFF");
        await Assertions.Expect(hint).ToContainTextAsync("Up to 488 KB each");
        var accept = await page.Locator("#files").GetAttributeAsync("accept");
        foreach (var extension in limits.GetProperty("imageExtensions").EnumerateArray())
        {
            Assert.Contains(extension.GetString()!, accept, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ATooLargePhotoIsRefusedByNameBeforeAnythingIsUploaded()
    {
        var page = await OpenSignedInAsync(fixture);
        var uploads = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/v1/checks", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref uploads);
            }
        };
        var big = UploadFormFixture.Photo("astronaut.png");
        Assert.True(big.Length > UploadFormFixture.MaxImageBytes);
        await AddPhotosAsync(page, new FilePayload { Name = "astronaut.png", MimeType = "image/png", Buffer = big }, Photo("grace_hopper_512x512.jpg", "assembly.jpg"));
        var problem = page.Locator("#file-list .file-problem");
        await Assertions.Expect(problem).ToHaveCountAsync(1);
        await Assertions.Expect(problem).ToContainTextAsync("“astronaut.png” is too large");
        await Assertions.Expect(problem).ToContainTextAsync("Export it smaller");
        await Assertions.Expect(page.Locator("#files-chosen")).ToHaveTextAsync("1 photo ready to check, 1 file left out (see below).");
        Assert.Equal(0, uploads);

        await CheckAsync(page);
        await Assertions.Expect(page.Locator(".image-result")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".image-result h3")).ToHaveTextAsync("Photo 1: assembly.jpg");
        Assert.Equal(1, uploads);

        // Removing the file that was never sent changes nothing; removing a checked photo makes the result stale.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove astronaut.png" }).ClickAsync();
        await Assertions.Expect(page.Locator("#photos-stale")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove assembly.jpg" }).ClickAsync();
        await Assertions.Expect(page.Locator("#photos-stale")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ATextFileNamedLikeAPhotoIsNamedAndTheOtherPhotosAreStillChecked()
    {
        var page = await OpenSignedInAsync(fixture);
        await AddPhotosAsync(page,
            new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = Encoding.UTF8.GetBytes("These are meeting notes, not a photo.") },
            Photo("640px-IceBlockNearJoekullsarlon.jpg", "glacier.jpg"));
        var problem = page.Locator("#file-list .file-problem");
        await Assertions.Expect(problem).ToContainTextAsync("“notes.jpg” is not a photo the checker can read");
        await Assertions.Expect(problem).ToContainTextAsync("GIF");
        await AssertAxeCleanEverywhereAsync(page, output, "a file that is not a photo");
        await ScreenshotAsync(page, "10-not-a-photo");

        await CheckAsync(page);
        await Assertions.Expect(page.Locator(".image-result")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".image-result")).ToContainTextAsync("glacier.jpg");
        await Assertions.Expect(page.Locator(".image-result")).ToContainTextAsync("Nothing to change in this photo");
    }

    [Fact]
    public async Task APhotoOnlyTheServerRefusesIsFoundByNameAndTheOthersAreStillChecked()
    {
        // A PNG signature followed by garbage: the browser's first look passes the type, decoding fails on the
        // server. Chromium cannot decode it either, so the page names it first; a TIFF it cannot preview goes
        // to the server, which is the path this test takes.
        var page = await OpenSignedInAsync(fixture);
        var broken = new byte[] { 0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
        await AddPhotosAsync(page,
            new FilePayload { Name = "scan.tif", MimeType = "image/tiff", Buffer = broken },
            Photo("640px-IceBlockNearJoekullsarlon.jpg", "glacier.jpg"));
        await Assertions.Expect(page.Locator("#files-chosen")).ToHaveTextAsync("2 photos ready to check.");

        await CheckAsync(page);
        await Assertions.Expect(page.Locator("#file-list .file-problem")).ToContainTextAsync("“scan.tif”");
        await Assertions.Expect(page.Locator(".image-result")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".image-result")).ToContainTextAsync("glacier.jpg");
    }

    [Fact]
    public async Task PhotosOverTheServersCountLimitWaitInTheListAndAreNotSent()
    {
        using var client = new HttpClient { BaseAddress = fixture.Address };
        var max = (await client.GetFromJsonAsync<JsonElement>("/v1/limits")).GetProperty("maxImages").GetInt32();
        var page = await OpenSignedInAsync(fixture);
        var photo = UploadFormFixture.Photo("640px-IceBlockNearJoekullsarlon.jpg");
        var files = Enumerable.Range(1, max + 1)
            .Select(i => new FilePayload { Name = $"photo{i:00}.jpg", MimeType = "image/jpeg", Buffer = [.. photo, (byte)i] })
            .ToArray();
        await AddPhotosAsync(page, files);
        await Assertions.Expect(page.Locator("#file-list .file-problem")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#file-list .file-problem")).ToContainTextAsync($"“photo{max + 1:00}.jpg” is over the limit");
        await Assertions.Expect(page.Locator("#files-chosen")).ToHaveTextAsync($"{max} photos ready to check, 1 file left out (see below).");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove photo01.jpg" }).ClickAsync();
        await Assertions.Expect(page.Locator("#file-list .file-problem")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task APhotoDroppedOnTheDropZoneJoinsTheList()
    {
        var page = await OpenSignedInAsync(fixture);
        var transfer = await page.EvaluateHandleAsync(
            "() => { const t = new DataTransfer(); t.items.add(new File(['not checked here'], 'dropped.jpg', { type: 'image/jpeg' })); return t; }");
        await page.DispatchEventAsync("#drop", "drop", new { dataTransfer = transfer });
        await Assertions.Expect(page.Locator("#file-list")).ToContainTextAsync("dropped.jpg");
        await Assertions.Expect(page.Locator("#announce")).ToContainTextAsync("“dropped.jpg” is not a photo");
    }
}
