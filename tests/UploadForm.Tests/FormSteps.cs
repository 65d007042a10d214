using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>What every test does on the page: sign in, add photos, check, and ask axe.</summary>
public static class FormSteps
{
    public const string Caption = "Emma Kowalski won the spelling bee!";

    public static async Task<IPage> OpenSignedInAsync(UploadFormFixture fixture, int width = 1000, int height = 900, bool dark = false, string? key = null)
    {
        var page = await fixture.NewPageAsync(width, height, dark);
        await page.GotoAsync(fixture.Address.ToString());
        await SignInAsync(page, key ?? fixture.CheckKey);
        return page;
    }

    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GetByLabel("API key").FillAsync(key);
        await page.Locator("#sign-in").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    public static FilePayload Photo(string name, string? fileName = null) => new()
    {
        Name = fileName ?? name,
        MimeType = name.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg",
        Buffer = UploadFormFixture.Photo(name),
    };

    public static async Task AddPhotosAsync(IPage page, params FilePayload[] files)
    {
        await page.Locator("#files").SetInputFilesAsync(files);
        await Assertions.Expect(page.Locator("#file-list li")).ToHaveCountAsync(files.Length);
    }

    public static async Task CheckAsync(IPage page, bool expectResults = true)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the post" }).ClickAsync();
        await WaitForCheckAsync(page, expectResults);
    }

    public static async Task WaitForCheckAsync(IPage page, bool expectResults = true)
    {
        var done = expectResults ? page.Locator("#results") : page.Locator("#error");
        await Assertions.Expect(done).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#checker")).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = 120_000 });
    }

    public static Task<string> FocusedIdAsync(IPage page) => page.EvaluateAsync<string>("document.activeElement.id");

    public static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth");

    /// <summary>axe on the page as it is now; any violation (not only serious ones) fails, and is printed.</summary>
    public static async Task AssertAxeCleanAsync(IPage page, ITestOutputHelper output, string state)
    {
        var result = await page.RunAxe();
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"axe ({state}): {violation.Impact} {violation.Id}: {violation.Help} ({violation.Nodes.Length} nodes: {string.Join(" | ", violation.Nodes.Select(n => n.Html).Take(3))})");
        }

        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} ({v.Impact}): {v.Help}").ToList();
        Assert.True(serious.Count == 0, $"axe on the {state} page: " + string.Join("; ", serious));
    }

    /// <summary>The same state in dark mode and at 360 px must be axe clean too.</summary>
    public static async Task AssertAxeCleanEverywhereAsync(IPage page, ITestOutputHelper output, string state)
    {
        await AssertAxeCleanAsync(page, output, state);
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await AssertAxeCleanAsync(page, output, state + ", dark");
        var size = page.ViewportSize;
        await page.SetViewportSizeAsync(360, 740);
        await AssertAxeCleanAsync(page, output, state + ", dark, 360 px");
        Assert.True(await FitsAsync(page), $"The {state} page scrolls sideways at 360 px.");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await AssertAxeCleanAsync(page, output, state + ", 360 px");
        if (size is not null)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath(name), FullPage = true });

    public static bool IsImage(byte[] bytes) =>
        bytes.Length > 12 && (
            (bytes[0] == 0xFF && bytes[1] == 0xD8) ||
            (bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G') ||
            (bytes[0] == (byte)'R' && bytes[1] == (byte)'I' && bytes[2] == (byte)'F' && bytes[3] == (byte)'F'));
}
