using Microsoft.Playwright;
using Xunit.Abstractions;
using static Kusd.Moderation.UploadForm.Tests.FormSteps;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>Signing in, and never losing the post: an ended key, a rate limit, a slow upload.</summary>
[Collection(UploadFormCollection.Name)]
public class SessionTests(UploadFormFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task SigningInWithAWrongKeySaysToCheckTheKeyAndTheRightKeyOpensTheForm()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Address.ToString());
        await AssertAxeCleanEverywhereAsync(page, output, "signed out");
        await ScreenshotAsync(page, "01-signed-out");

        await page.GetByLabel("API key").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var error = page.Locator("#api-key-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("Check your key");
        await AssertAxeCleanEverywhereAsync(page, output, "wrong key");

        await SignInAsync(page, fixture.CheckKey);
        Assert.True(await page.Locator("#caption").IsVisibleAsync());
        Assert.Equal(fixture.CheckKey, await page.EvaluateAsync<string>("sessionStorage.getItem('kusd.moderation.apiKey')"));
        await AssertAxeCleanEverywhereAsync(page, output, "signed in");
        await ScreenshotAsync(page, "02-signed-in");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('kusd.moderation.apiKey')"));
    }

    [Fact]
    public async Task ARevokedKeyAsksToSignInAgainInPlaceAndTheKeptPostIsThenChecked()
    {
        var (id, key) = await fixture.CreateCheckKeyWithIdAsync("revoked mid-session");
        var page = await OpenSignedInAsync(fixture, key: key);
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption);
        await AddPhotosAsync(page, Photo("640px-IceBlockNearJoekullsarlon.jpg", "glacier.jpg"));

        await fixture.RevokeKeyAsync(id);
        using (var client = fixture.Client(key))
        {
            // Revocation reaches every server within seconds; wait until this one refuses the key.
            for (var i = 0; i < 100; i++)
            {
                using var probe = await client.GetAsync(new Uri("/v1/checks/none", UriKind.Relative));
                if (probe.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    break;
                }

                await Task.Delay(200);
            }
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signin-h")).ToHaveTextAsync("Sign in again to finish the check");
        await Assertions.Expect(page.Locator("#signin-reason")).ToContainTextAsync("Your caption and photos are still here");
        await Assertions.Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        Assert.DoesNotContain("Bearer", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        Assert.Equal(Caption, await page.Locator("#caption").InputValueAsync());
        await Assertions.Expect(page.Locator("#file-list li")).ToHaveCountAsync(1);
        await AssertAxeCleanEverywhereAsync(page, output, "sign in again");
        await ScreenshotAsync(page, "03-sign-in-again");

        await page.GetByLabel("API key").FillAsync(fixture.CheckKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in and check" }).ClickAsync();
        await WaitForCheckAsync(page);
        await Assertions.Expect(page.Locator("#caption-marked mark")).ToContainTextAsync("Emma Kowalski");
        await Assertions.Expect(page.Locator(".image-result")).ToHaveCountAsync(1);
        Assert.Equal(Caption, await page.Locator("#caption").InputValueAsync());
    }

    [Fact]
    public async Task TooManyChecksShowAPlainCountdownAndTheButtonWaitsForIt()
    {
        var key = await fixture.CreateCheckKeyAsync("used up");
        var page = await OpenSignedInAsync(fixture, key: key);
        using (var client = fixture.Client(key))
        {
            for (var i = 0; i < UploadFormFixture.PermitLimit; i++)
            {
                using var spent = await client.GetAsync(new Uri("/v1/checks/none", UriKind.Relative));
            }
        }

        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync(),
            r => r.Url.EndsWith("/v1/checks", StringComparison.Ordinal));
        Assert.Equal(429, response.Status);
        var error = page.Locator("#error");
        await Assertions.Expect(error).ToContainTextAsync("Too many checks");
        await Assertions.Expect(error).ToContainTextAsync("still in the form");
        var line = page.Locator("#retry-line");
        await Assertions.Expect(line).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"You can check again in \d+ seconds?\."));
        var first = await line.InnerTextAsync();
        await Assertions.Expect(line).Not.ToHaveTextAsync(first, new() { Timeout = 3000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check the post" })).ToBeDisabledAsync();
        Assert.Equal(Caption, await page.Locator("#caption").InputValueAsync());
        Assert.DoesNotContain("Retry-After", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        await AssertAxeCleanEverywhereAsync(page, output, "retry countdown");
        await ScreenshotAsync(page, "04-retry-countdown");
    }

    [Fact]
    public async Task ABusyCheckerShowsACountdownThatEndsWithTheButtonBack()
    {
        var page = await OpenSignedInAsync(fixture);
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption);
        await AddPhotosAsync(page, Photo("640px-IceBlockNearJoekullsarlon.jpg", "glacier.jpg"));

        // Another client holds the only image slot with six group photos while the page asks.
        using var client = fixture.Client(fixture.CheckKey);
        using var busy = new MultipartFormDataContent();
        foreach (var name in new[] { "sample1.jpg", "sample2.jpg", "sample3.jpg", "sample4.jpg", "sample5.jpg", "sample6.jpg" })
        {
            busy.Add(new ByteArrayContent(UploadFormFixture.Photo(name)), "images", name);
        }

        var holding = client.PostAsync(new Uri("/v1/checks", UriKind.Relative), busy);
        await Task.Delay(700);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync(),
            r => r.Url.EndsWith("/v1/checks", StringComparison.Ordinal));
        Assert.Equal(503, response.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check the post" })).ToBeDisabledAsync();
        var error = page.Locator("#error");
        await Assertions.Expect(error).ToContainTextAsync("The checker is busy right now");
        await Assertions.Expect(page.Locator("#retry-line")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"You can check again in \d+ seconds?\."));
        await Assertions.Expect(page.Locator("#retry-line")).ToHaveTextAsync("You can check again now.", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check the post" })).ToBeEnabledAsync();
        Assert.Equal(Caption, await page.Locator("#caption").InputValueAsync());
        await Assertions.Expect(page.Locator("#file-list li")).ToHaveCountAsync(1);
        using var held = await holding;
        Assert.Equal(System.Net.HttpStatusCode.OK, held.StatusCode);
    }

    [Fact]
    public async Task TheUploadShowsTheBytesSentAndCanBeCancelledKeepingThePost()
    {
        var page = await OpenSignedInAsync(fixture);
        // A slow uplink (about 40 KB/s) so the upload of ~1 MB lasts long enough to watch and cancel.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 40_000,
        });
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(Caption);
        await AddPhotosAsync(page,
            Photo("sample1.jpg", "one.jpg"), Photo("sample2.jpg", "two.jpg"), Photo("sample3.jpg", "three.jpg"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync();

        var text = page.Locator("#progress-text");
        await Assertions.Expect(text).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Sending 3 photos: [\d.]+ (KB|MB) of [\d.]+ (KB|MB) sent\."), new() { Timeout = 10_000 });
        var value = await page.EvalOnSelectorAsync<double>("#progress-bar", "b => b.value");
        var max = await page.EvalOnSelectorAsync<double>("#progress-bar", "b => b.max");
        output.WriteLine($"progress {value} of {max}");
        Assert.True(value > 0 && value < max, $"The bar shows {value} of {max}.");
        await AssertAxeCleanAsync(page, output, "uploading");
        await ScreenshotAsync(page, "05-uploading");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress-done")).ToHaveTextAsync("Check cancelled. Your post is still in the form.");
        await Assertions.Expect(page.Locator("#progress")).ToBeHiddenAsync();
        Assert.False(await page.Locator("#results").IsVisibleAsync());
        Assert.Equal(Caption, await page.Locator("#caption").InputValueAsync());
        await Assertions.Expect(page.Locator("#file-list li")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check the post" })).ToBeEnabledAsync();
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
        var ring = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('label.choose')).outlineStyle");
        Assert.Equal("solid", ring);
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"));
        await chooser.SetFilesAsync(Photo("grace_hopper_512x512.jpg", "assembly.jpg"));
        await Assertions.Expect(page.Locator("#file-list")).ToContainTextAsync("assembly.jpg");
        await Assertions.Expect(page.Locator("#files-chosen")).ToHaveTextAsync("1 photo ready to check.");

        // Next stops: the photo's Remove button, then the check button.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Remove assembly.jpg", await page.EvaluateAsync<string>("document.activeElement.getAttribute('aria-label')"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("check", await FocusedIdAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#results-h")).ToBeFocusedAsync(new() { Timeout = 120_000 });

        // Next: the summary's links, then "Apply all fixes".
        for (var i = 0; i < 10 && await FocusedIdAsync(page) != "apply-fixes"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("apply-fixes", await FocusedIdAsync(page));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#caption")).ToHaveValueAsync("Emma K. won the spelling bee!", new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#results-h")).ToBeFocusedAsync(new() { Timeout = 120_000 });
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
        output.WriteLine($"First load: {count} responses, {bytes} bytes of bodies (uncompressed).");
        // The page, its style sheet, its modules, and the rule catalog and limits it reads from the API.
        Assert.InRange(count, 4, 14);
        Assert.True(bytes < 100_000, $"The first load is {bytes} bytes.");
    }

    [Fact]
    public async Task AHostileCaptionIsShownAsTextAndNeverRunsAsMarkup()
    {
        var page = await OpenSignedInAsync(fixture);
        const string hostile = "<img src=x onerror=\"window.pwned=1\"><b>Emma Kowalski</b> won!";
        await page.GetByLabel("Caption", new() { Exact = true }).FillAsync(hostile);
        await CheckAsync(page);

        await Assertions.Expect(page.Locator("#caption-marked mark")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("#results img:not(.shot img), #results b").CountAsync());
        Assert.Contains("<img src=x", await page.Locator("#caption-marked").TextContentAsync(), StringComparison.Ordinal);
        Assert.False(await page.EvaluateAsync<bool>("window.pwned === 1"));
    }
}
