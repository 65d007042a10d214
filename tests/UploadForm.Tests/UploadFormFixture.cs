using Kusd.Moderation.TestSupport;
using Microsoft.Playwright;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>
/// The real API on a loopback port serving the page from src/ModerationApi/wwwroot, with a roster (an elementary
/// student, a restricted student whose face is enrolled) and Debian's Chromium driven by Playwright.
/// </summary>
[CollectionDefinition(Name)]
public sealed class UploadFormCollection : ICollectionFixture<UploadFormFixture>
{
    public const string Name = "upload form";
}

public sealed class UploadFormFixture : IAsyncLifetime
{
    public const string RosterCsv = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu
        S1003,student,Grace,Hopper,,03,true,
        T2001,staff,Karen,Mueller,,,false,kmueller@kusd.edu
        """;

    private ApiServer? _server;
    private IPlaywright? _playwright;

    public static string RepoRoot => TestSupport.RepositoryRoot.Path;

    public Uri Address => _server!.Address;

    public const int MaxImageBytes = 500_000;

    /// <summary>Requests per key per 120 s: enough for every test on the shared key.</summary>
    public const int PermitLimit = 60;

    public string CheckKey { get; private set; } = "";

    public string AdminKey => _server!.AdminKey;

    public IBrowser Browser { get; private set; } = null!;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "kusd-ui-" + Guid.NewGuid().ToString("N"));

    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(RepoRoot, "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    public static byte[] Photo(string name) => TestSupport.TestPhotos.Read(name);

    public async Task InitializeAsync()
    {
        var webRoot = Path.Combine(RepoRoot, "src", "ModerationApi", "wwwroot");
        // Small limits so the page meets a real 413 (astronaut.png is 790 KB) and a real 429 (a key used up on purpose).
        _server = await ApiServer.StartAsync(
            DataDirectory,
            "--webroot", webRoot,
            "--Moderation:Images:Limits:MaxBytes", MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--RateLimits:PermitLimit", PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--RateLimits:WindowSeconds", "120",
            // One image check at a time and none waiting: a second image check at once meets a real 503.
            "--Limits:MaxConcurrentImageChecks", "1", "--Limits:MaxQueuedImageChecks", "0");
        await _server.ImportRosterAsync(RosterCsv, "S1003", Photo("grace_hopper_512x512.jpg"));

        CheckKey = await CreateCheckKeyAsync("upload form tests");

        (_playwright, Browser) = await DebianChromium.LaunchAsync();
    }

    public HttpClient Client(string key) => _server!.Client(key);

    public async Task<string> CreateCheckKeyAsync(string name) => (await CreateCheckKeyWithIdAsync(name)).Key;

    public Task<(string Id, string Key)> CreateCheckKeyWithIdAsync(string name) => _server!.CreateKeyWithIdAsync(name, "check");

    public async Task RevokeKeyAsync(string id)
    {
        using var admin = Client(AdminKey);
        using var revoked = await admin.DeleteAsync(new Uri("/v1/keys/" + id, UriKind.Relative));
        revoked.EnsureSuccessStatusCode();
    }

    public async Task<IPage> NewPageAsync(int width = 1000, int height = 900, bool dark = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            AcceptDownloads = true,
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
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
