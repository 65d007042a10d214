using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

using Kusd.Moderation.Api;

namespace Kusd.Moderation.TestSupport;

/// <summary>The real app on a loopback port, with its own data folder; speaks HTTP like any caller.</summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServer(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
        AdminKey = File.ReadAllText(Path.Combine(dataDirectory, "admin-key.txt")).Trim();
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public string AdminKey { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<ApiServer> StartAsync(string? dataDirectory = null, params string[] settings) =>
        StartWithAsync(configure: null, dataDirectory, settings);

    /// <param name="configure">Changes to the host before it is built (a log provider that captures, say).</param>
    public static async Task<ApiServer> StartWithAsync(Action<WebApplicationBuilder>? configure, string? dataDirectory = null, params string[] settings)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "kusd-api-" + Guid.NewGuid().ToString("N"));
        string[] args = ["--urls", "http://127.0.0.1:0", "--Storage:DataDirectory", dataDirectory, .. settings];
        var app = ModerationApp.Create(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiServer(app, dataDirectory, new Uri(address));
    }

    public HttpClient Client(string? key = null, bool useXApiKey = false)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null)
        {
            if (useXApiKey)
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", key);
            }
            else
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
        }

        return client;
    }

    /// <summary>A key with the given scopes, made through the API with the admin key.</summary>
    public async Task<string> CreateKeyAsync(params string[] scopes) =>
        (await CreateKeyWithIdAsync("test " + string.Join('+', scopes), scopes)).Key;

    /// <summary>A named key with the given scopes, and its id (to revoke it).</summary>
    public async Task<(string Id, string Key)> CreateKeyWithIdAsync(string name, params string[] scopes)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsJsonAsync("/v1/keys", new { name, scopes });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (body.GetProperty("info").GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>Imports a roster CSV and enrols one restricted person's face from a photo, as the tests' districts start.</summary>
    public async Task ImportRosterAsync(string rosterCsv, string enrolPersonId, byte[] enrolPhoto)
    {
        using var admin = Client(AdminKey);
        using (var import = await admin.PostAsync("/v1/roster/import", new StringContent(rosterCsv, System.Text.Encoding.UTF8, "text/csv")))
        {
            Xunit.Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }

        using var form = new MultipartFormDataContent { { new ByteArrayContent(enrolPhoto), "photo", "enrol.jpg" } };
        using var enrol = await admin.PostAsync($"/v1/roster/people/{enrolPersonId}/faces", form);
        Xunit.Assert.True(enrol.IsSuccessStatusCode, await enrol.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
