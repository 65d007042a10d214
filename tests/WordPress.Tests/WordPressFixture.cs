using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Kusd.Moderation.TestSupport;
using Microsoft.Playwright;

namespace Kusd.Moderation.WordPress.Tests;

/// <summary>
/// Real services, started here and stopped after the tests: the moderation API on a loopback port with a roster
/// (an elementary student, a restricted student whose face is enrolled), MariaDB, PHP's built-in server and
/// Debian's WordPress with this checkout's plugin (tests/wordpress.sh), and Debian's Chromium driven by Playwright.
/// Nothing is skipped: a missing service fails every test.
/// </summary>
public sealed class WordPressFixture : IAsyncLifetime
{
    public const string RosterCsv = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu
        S1003,student,Grace,Hopper,,03,true,
        T2001,staff,Karen,Mueller,,,false,kmueller@kusd.edu
        """;

    /// <summary>
    /// PHP's built-in server: a free port below the ephemeral range, where no test's outgoing connection can hold it
    /// (the API binds port 0; MariaDB listens on a socket only).
    /// </summary>
    public static readonly int WordPressPort = LoopbackPorts.FreeBelowEphemeralRange();

    public const string ConfigName = "kusd-test";

    private ApiServer? _server;
    private IPlaywright? _playwright;

    public static string RepoRoot => RepositoryRoot.Path;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "kusd-wp-api-" + Guid.NewGuid().ToString("N"));

    public string WordPressData { get; } = Path.Combine(Path.GetTempPath(), "kusd-test-wordpress");

    public Uri ApiAddress => _server!.Address;

    public Uri WordPressAddress { get; private set; } = null!;

    public string AdminKey => _server!.AdminKey;

    /// <summary>The key the plugin uses (check scope); the tests read its checks and overrides with it.</summary>
    public string CheckKey { get; private set; } = "";

    /// <summary>Application passwords of the site's administrator (may override) and editor (may not).</summary>
    public Dictionary<string, string> AppPasswords { get; } = [];

    public IBrowser Browser { get; private set; } = null!;

    public static byte[] Photo(string name) => TestPhotos.Read(name);

    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(RepoRoot, "artifacts", "screenshots", "wordpress");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    public async Task InitializeAsync()
    {
        // The editor checks as the author types (debounced): far more checks per key than the default rate allows.
        _server = await ApiServer.StartAsync(DataDirectory, "--RateLimits:PermitLimit", "5000", "--RateLimits:WindowSeconds", "60");
        await _server.ImportRosterAsync(RosterCsv, "S1003", Photo("grace_hopper_512x512.jpg"));
        CheckKey = (await _server.CreateKeyWithIdAsync("WordPress plugin tests", "check")).Key;

        var url = (await RunAsync("bash", [Path.Combine(RepoRoot, "tests", "wordpress.sh"), "start", "--fresh"])).Trim();
        WordPressAddress = new Uri(url.Split('\n')[^1].Trim());
        await WpToolAsync("set-option", "kusd_moderation_api_url", ApiAddress.ToString().TrimEnd('/'));
        await WpToolAsync("set-option", "kusd_moderation_api_key", CheckKey);

        // The machine running the tests is shared and loaded: the plugin's longest timeout, so a slow check is measured, not failed.
        await WpToolAsync("set-option", "kusd_moderation_timeout", "60");
        foreach (var login in new[] { "admin", "editor" })
        {
            AppPasswords[login] = (await WpToolAsync("app-password", login)).Trim();
        }

        (_playwright, Browser) = await DebianChromium.LaunchAsync();
    }

    public HttpClient Api(string key) => _server!.Client(key);

    /// <summary>WordPress's REST API as a user, authenticated with an application password.</summary>
    public HttpClient WordPress(string login)
    {
        var client = new HttpClient { BaseAddress = WordPressAddress, Timeout = TimeSpan.FromMinutes(3) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{AppPasswords[login]}")));
        return client;
    }

    public Task<string> WpToolAsync(params string[] args) =>
        RunAsync("php", [Path.Combine(RepoRoot, "tests", "wordpress", "wp-tool.php"), .. args]);

    public async Task<IPage> SignedInPageAsync(string login)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(WordPressAddress, "/wp-login.php").ToString());
        await page.Locator("#user_login").FillAsync(login);
        await page.Locator("#user_pass").FillAsync($"kusd-{login}-password");
        await page.Locator("#wp-submit").ClickAsync();
        await page.WaitForURLAsync("**/wp-admin/**");
        return page;
    }

    public static async Task<string> RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KUSD_WP_CONFIG"] = ConfigName;
        start.Environment["KUSD_WP_PORT"] = WordPressPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        try
        {
            await RunAsync("bash", [Path.Combine(RepoRoot, "tests", "wordpress.sh"), "stop"]);
        }
        catch (Xunit.Sdk.XunitException)
        {
            // Stopping is best effort; the next run's --fresh start resets the site anyway.
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the database only leaves a temp folder behind.
        }
    }
}
