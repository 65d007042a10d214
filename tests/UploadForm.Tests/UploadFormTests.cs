using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Kusd.Moderation.UploadForm.Tests;

public class UploadFormTests(UploadFormFixture fixture, ITestOutputHelper output) : IClassFixture<UploadFormFixture>
{
    private const string Caption = "Emma Kowalski won the spelling bee!";

    [Fact]
    public async Task SigningInWithAWrongKeySaysToCheckTheKeyAndTheRightKeyOpensTheForm()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await AssertNoSeriousAxeViolationsAsync(page, "signed out");
        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("1-signed-out"), FullPage = true });

        await page.GetByLabel("API key").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var error = page.Locator("#api-key-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("Check your key");

        await SignInAsync(page);
        Assert.True(await page.Locator("#caption").IsVisibleAsync());
        Assert.Equal(fixture.CheckKey, await page.EvaluateAsync<string>("sessionStorage.getItem('kusd.moderation.apiKey')"));
        await AssertNoSeriousAxeViolationsAsync(page, "signed in");
        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("2-signed-in"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('kusd.moderation.apiKey')"));
    }

    [Fact]
    public async Task AnElementaryStudentsFullNameIsHighlightedAndApplyingTheFixLeavesTheInitial()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page);
        await page.GetByLabel("Caption").FillAsync(Caption);
        await CheckAsync(page);

        await Assertions.Expect(page.Locator("#caption-marked mark")).ToContainTextAsync("Emma Kowalski");
        await Assertions.Expect(page.Locator("#caption-marked .fix")).ToContainTextAsync("Emma K.");
        await Assertions.Expect(page.Locator("#caption-findings")).ToContainTextAsync("first name and last initial");
        await Assertions.Expect(page.Locator("#announce")).ToContainTextAsync("Check done");
        await AssertNoSeriousAxeViolationsAsync(page, "caption results");
        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("3-caption-results"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Apply all fixes" }).ClickAsync();
        Assert.Equal("Emma K. won the spelling bee!", await page.Locator("#caption").InputValueAsync());
    }

    [Fact]
    public async Task AnEnrolledRestrictedFaceIsBoxedListedAndOfferedBlurredForDownload()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page);
        await page.Locator("#files").SetInputFilesAsync(new FilePayload[]
        {
            new() { Name = "assembly.jpg", MimeType = "image/jpeg", Buffer = UploadFormFixture.Photo("grace_hopper_512x512.jpg") },
            new() { Name = "glacier.jpg", MimeType = "image/jpeg", Buffer = UploadFormFixture.Photo("640px-IceBlockNearJoekullsarlon.jpg") },
        });
        await Assertions.Expect(page.Locator("#file-list li")).ToHaveCountAsync(2);
        var response = await page.RunAndWaitForResponseAsync(() => CheckAsync(page), r => r.Url.EndsWith("/v1/checks", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator(".image-result")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".image-result").Nth(1)).ToContainTextAsync("Nothing to change in this photo");

        // DESIGN.md: rejected, or approvedWithChanges once the face is blurred in the sanitized copy the form asks for.
        var decision = (await response.JsonAsync())!.Value.GetProperty("decision").GetString();
        Assert.Contains(decision, new[] { "rejected", "approvedWithChanges" });
        await Assertions.Expect(page.Locator("#decision")).ToContainTextAsync(decision == "rejected" ? "Do not publish" : "Ready to publish after the changes");
        Assert.Contains("decision-" + decision, await page.Locator("#decision").GetAttributeAsync("class"), StringComparison.Ordinal);
        var box = page.Locator(".image-result .box-restricted");
        await Assertions.Expect(box).ToHaveCountAsync(1);
        await Assertions.Expect(box).ToContainTextAsync("Restricted");
        var size = await box.BoundingBoxAsync();
        Assert.NotNull(size);
        Assert.True(size.Width > 20 && size.Height > 20, $"The face box is {size.Width}x{size.Height}.");
        await Assertions.Expect(page.Locator(".image-result .findings").First).ToContainTextAsync("Box 1 (Restricted, solid thick box)");
        await AssertNoSeriousAxeViolationsAsync(page, "image results");
        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("4-image-results"), FullPage = true });

        var link = page.GetByRole(AriaRole.Link, new() { Name = "Download the cleaned-up copy of photo 1" });
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var path = Path.Combine(fixture.DataDirectory, "download-" + download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.StartsWith("assembly-cleaned", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.True(IsImage(bytes), "The download is not a JPEG, PNG or WebP file.");
        Assert.NotEqual(UploadFormFixture.Photo("grace_hopper_512x512.jpg"), bytes);
    }

    [Fact]
    public async Task ATextFileSentAsAPhotoSaysWhichFilesTheCheckerReads()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page);
        await page.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = Encoding.UTF8.GetBytes("These are meeting notes, not a photo.") });
        await CheckAsync(page, expectResults: false);

        var error = page.Locator("#error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("not a photo the checker can read");
        await Assertions.Expect(error).ToContainTextAsync("Choose JPEG, PNG or WebP");
        Assert.Equal("error", await page.EvaluateAsync<string>("document.activeElement.id"));
        await AssertNoSeriousAxeViolationsAsync(page, "error");
        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("5-error-not-an-image"), FullPage = true });
    }

    [Fact]
    public async Task APhotoTooLargeForTheServiceSaysToMakeItSmaller()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page);
        var big = UploadFormFixture.Photo("astronaut.png");
        Assert.True(big.Length > UploadFormFixture.MaxImageBytes);
        await page.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "astronaut.png", MimeType = "image/png", Buffer = big });
        await CheckAsync(page, expectResults: false);
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("A photo is too large");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("Make the photo smaller");
    }

    [Fact]
    public async Task TooManyChecksSayHowLongToWaitFromRetryAfter()
    {
        var key = await fixture.CreateCheckKeyAsync("used up");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        using var client = fixture.Client(key);
        for (var i = 0; i < UploadFormFixture.PermitLimit; i++)
        {
            using var spent = await client.GetAsync(new Uri("/v1/checks/none", UriKind.Relative));
        }

        await page.GetByLabel("Caption").FillAsync(Caption);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync(),
            r => r.Url.EndsWith("/v1/checks", StringComparison.Ordinal));
        Assert.Equal(429, response.Status);
        var seconds = int.Parse(await response.HeaderValueAsync("retry-after") ?? "", System.Globalization.CultureInfo.InvariantCulture);
        var wait = seconds >= 90 ? $"Wait about {(seconds + 59) / 60} minutes" : $"Wait {seconds} second";
        var error = page.Locator("#error");
        await Assertions.Expect(error).ToContainTextAsync("Too many checks");
        await Assertions.Expect(error).ToContainTextAsync(wait);
        await Assertions.Expect(error).ToContainTextAsync("still in the form");
        Assert.Equal(Caption, await page.Locator("#caption").InputValueAsync());
    }

    [Fact]
    public async Task APhotoDroppedOnTheDropZoneJoinsTheList()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page);
        var transfer = await page.EvaluateHandleAsync(
            "() => { const t = new DataTransfer(); t.items.add(new File(['not checked here'], 'dropped.jpg', { type: 'image/jpeg' })); return t; }");
        await page.DispatchEventAsync("#drop", "drop", new { dataTransfer = transfer });
        await Assertions.Expect(page.Locator("#file-list")).ToContainTextAsync("dropped.jpg");
        await Assertions.Expect(page.Locator("#announce")).ToContainTextAsync("1 photo ready");
    }

    [Fact]
    public async Task AHostileCaptionIsShownAsTextAndNeverRunsAsMarkup()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page);
        const string hostile = "<img src=x onerror=\"window.pwned=1\"><b>Emma Kowalski</b> won!";
        await page.GetByLabel("Caption").FillAsync(hostile);
        await CheckAsync(page);

        await Assertions.Expect(page.Locator("#caption-marked mark")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("#results img:not(.shot img), #results b").CountAsync());
        Assert.Contains("<img src=x", await page.Locator("#caption-marked").TextContentAsync(), StringComparison.Ordinal);
        Assert.False(await page.EvaluateAsync<bool>("window.pwned === 1"));
    }

    [Fact]
    public async Task TheWholeCheckWorksFromTheKeyboardAlone()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());

        // Tab order: skip link, then the key field. Enter submits.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("api-key", await FocusedIdAsync(page));
        await page.Keyboard.TypeAsync(fixture.CheckKey);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#caption")).ToBeFocusedAsync();

        await page.Keyboard.TypeAsync(Caption);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("channel", await FocusedIdAsync(page));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("files", await FocusedIdAsync(page));
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"));
        await chooser.SetFilesAsync(new FilePayload { Name = "assembly.jpg", MimeType = "image/jpeg", Buffer = UploadFormFixture.Photo("grace_hopper_512x512.jpg") });
        await Assertions.Expect(page.Locator("#file-list")).ToContainTextAsync("assembly.jpg");

        // Next stops: the photo's Remove button, then the check button.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Remove assembly.jpg", await page.EvaluateAsync<string>("document.activeElement.getAttribute('aria-label')"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("check", await FocusedIdAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#results-h")).ToBeFocusedAsync(new() { Timeout = 120_000 });

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("apply-fixes", await FocusedIdAsync(page));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("Emma K. won the spelling bee!", await page.Locator("#caption").InputValueAsync());
        var outline = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('#apply-fixes')).outlineStyle");
        Assert.NotNull(outline);
    }

    [Fact]
    public async Task ResultsReflowAt320PixelsWithoutSidewaysScrolling()
    {
        var page = await fixture.NewPageAsync(width: 320, height: 640);
        await page.GotoAsync(fixture.Address.ToString());
        Assert.True(await FitsAsync(page), "The signed-out page scrolls sideways at 320 px.");
        await SignInAsync(page);
        await page.GetByLabel("Caption").FillAsync(Caption + " Write to ekowalski27@students.kusd.edu or see https://example-shop.com/a/very/long/path/that/does/not/break/by/itself");
        await page.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "a-photo-with-a-rather-long-file-name-from-the-camera-roll.jpg", MimeType = "image/jpeg", Buffer = UploadFormFixture.Photo("grace_hopper_512x512.jpg") });
        await CheckAsync(page);
        Assert.True(await FitsAsync(page), "The results scroll sideways at 320 px.");
        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("6-results-320px"), FullPage = true });
    }

    [Fact]
    public async Task TheFirstLoadIsSmall()
    {
        var page = await fixture.NewPageAsync();
        long bytes = 0;
        var count = 0;
        var sizes = new List<Task>();
        page.Response += (_, response) => sizes.Add(Task.Run(async () =>
        {
            var body = await response.BodyAsync();
            Interlocked.Add(ref bytes, body.Length);
            Interlocked.Increment(ref count);
        }));
        await page.GotoAsync(fixture.Address.ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Task.WhenAll(sizes);
        var transferred = await page.EvaluateAsync<long>(
            "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");
        output.WriteLine($"First load: {count} responses, {bytes} bytes of bodies (uncompressed), {transferred} bytes transferred with headers.");
        Assert.Equal(3, count);
        Assert.True(bytes < 60_000, $"The first load is {bytes} bytes.");
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GetByLabel("API key").FillAsync(fixture.CheckKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private static async Task CheckAsync(IPage page, bool expectResults = true)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync();
        var done = expectResults ? page.Locator("#results") : page.Locator("#error");
        await Assertions.Expect(done).ToBeVisibleAsync(new() { Timeout = 120_000 });
        Assert.Equal("false", await page.Locator("#checker").GetAttributeAsync("aria-busy"));
    }

    private static Task<string> FocusedIdAsync(IPage page) => page.EvaluateAsync<string>("document.activeElement.id");

    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth");

    private async Task AssertNoSeriousAxeViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe();
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"axe ({state}): {violation.Impact} {violation.Id}: {violation.Help} ({violation.Nodes.Length} nodes)");
        }

        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} ({v.Impact}): {v.Help}").ToList();
        Assert.True(serious.Count == 0, $"axe on the {state} page: " + string.Join("; ", serious));
    }

    private static bool IsImage(byte[] bytes) =>
        bytes.Length > 12 && (
            (bytes[0] == 0xFF && bytes[1] == 0xD8) ||
            (bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G') ||
            (bytes[0] == (byte)'R' && bytes[1] == (byte)'I' && bytes[2] == (byte)'F' && bytes[3] == (byte)'F'));
}
