using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kusd.Moderation.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
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

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public static string RepoRoot => TestSupport.RepositoryRoot.Path;

    public Uri Address { get; private set; } = null!;

    public const int MaxImageBytes = 500_000;

    /// <summary>Requests per key per 120 s: enough for every test on the shared key.</summary>
    public const int PermitLimit = 60;

    public string CheckKey { get; private set; } = "";

    public string AdminKey { get; private set; } = "";

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
        _app = ModerationApp.Create([
            "--urls", "http://127.0.0.1:0", "--Storage:DataDirectory", DataDirectory, "--webroot", webRoot,
            "--Moderation:Images:Limits:MaxBytes", MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--RateLimits:PermitLimit", PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--RateLimits:WindowSeconds", "120",
            // One image check at a time and none waiting: a second image check at once meets a real 503.
            "--Limits:MaxConcurrentImageChecks", "1", "--Limits:MaxQueuedImageChecks", "0",
        ]);
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        AdminKey = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "admin-key.txt"))).Trim();
        using var admin = Client(AdminKey);
        using (var import = await admin.PostAsync("/v1/roster/import", new StringContent(RosterCsv, Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }

        using (var form = new MultipartFormDataContent { { new ByteArrayContent(Photo("grace_hopper_512x512.jpg")), "photo", "enrol.jpg" } })
        using (var enrol = await admin.PostAsync("/v1/roster/people/S1003/faces", form))
        {
            Assert.True(enrol.IsSuccessStatusCode, await enrol.Content.ReadAsStringAsync());
        }

        CheckKey = await CreateCheckKeyAsync("upload form tests");

        (_playwright, Browser) = await DebianChromium.LaunchAsync();
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<string> CreateCheckKeyAsync(string name)
    {
        using var admin = Client(AdminKey);
        using var key = await admin.PostAsJsonAsync("/v1/keys", new { name, scopes = new[] { "check" } });
        key.EnsureSuccessStatusCode();
        return (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public async Task<(string Id, string Key)> CreateCheckKeyWithIdAsync(string name)
    {
        using var admin = Client(AdminKey);
        using var key = await admin.PostAsJsonAsync("/v1/keys", new { name, scopes = new[] { "check" } });
        key.EnsureSuccessStatusCode();
        var body = await key.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("info").GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

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
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
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
