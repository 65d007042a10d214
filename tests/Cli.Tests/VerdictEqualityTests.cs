using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Kusd.Moderation.Cli.Tests;

/// <summary>
/// DESIGN: one post, one verdict. The same text and the same image, with the same roster, enrolled face and
/// settings, checked three ways: the local CLI (<c>--settings</c>, <c>--db</c>), the CLI with <c>--server</c>,
/// and the API itself. The settings are not the defaults, so a caller that ignored them would disagree.
/// </summary>
public sealed class VerdictEqualityTests : IAsyncLifetime
{
    private const string Roster = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu
        S1003,student,Grace,Hopper,,03,true,
        """;

    // Allowing a host that the defaults call commercial makes the settings visible in the verdict.
    private const string Settings = """{ "Moderation": { "AllowedLinkHosts": [ "pta-fundraiser.com" ] } }""";

    private const string Post = """
        # Spelling bee

        Congratulations to Emma Kowalski! Tickets at https://pta-fundraiser.com/bee and https://shop.example.com/mugs.
        Questions: ekowalski27@students.kusd.edu
        """;

    private readonly FixtureFolder _folder = new();
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _folder.Write("settings.json", Settings);
        _folder.Write("roster.csv", Roster);
        _folder.Write("content/post.md", Post);
        _folder.WriteBytes("content/hopper.jpg", TestPhotos.Read(TestPhotos.GraceHopper));
        _folder.WriteBytes("enrol.jpg", TestPhotos.Read(TestPhotos.GraceHopper));
        Assert.Equal(0, (await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db")).ExitCode);
        Assert.Equal(0, (await _folder.RunAsync("roster", "enroll", "S1003", "enrol.jpg", "--db", "roster.db")).ExitCode);

        var settingsFile = Path.Join(_folder.Root, "settings.json");
        _server = await ApiServer.StartWithAsync(builder => builder.Configuration.AddJsonFile(settingsFile));
        using var admin = _server.Client(_server.AdminKey);
        (await admin.PostAsync("/v1/roster/import", new StringContent(Roster, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        using var photo = new MultipartFormDataContent { { new ByteArrayContent(TestPhotos.Read(TestPhotos.GraceHopper)), "photo", "enrol.jpg" } };
        (await admin.PostAsync("/v1/roster/people/S1003/faces", photo)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
        Directory.Delete(_server.DataDirectory, recursive: true);
    }

    [Fact]
    public async Task TheLocalCliTheServerModeAndTheApiGiveTheSameVerdictForTextAndImages()
    {
        var local = await _folder.RunAsync("check", "content", "--db", "roster.db", "--settings", "settings.json", "--format", "json");
        Environment.SetEnvironmentVariable("KUSD_API_KEY", _server.AdminKey);
        var remote = await _folder.RunAsync("check", "content", "--server", _server.Address.ToString(), "--format", "json");

        using var api = _server.Client(_server.AdminKey);
        using var text = await api.PostAsJsonAsync("/v1/checks", new { fields = new[] { new { name = "body", text = Post, format = "markdown" } } });
        using var image = await api.PostAsJsonAsync("/v1/checks", new { images = new[] { new { name = "hopper.jpg", data = Convert.ToBase64String(TestPhotos.Read(TestPhotos.GraceHopper)) } } });
        text.EnsureSuccessStatusCode();
        image.EnsureSuccessStatusCode();
        var apiText = Summary(JsonDocument.Parse(await text.Content.ReadAsStringAsync()).RootElement);
        var apiImage = Summary(JsonDocument.Parse(await image.Content.ReadAsStringAsync()).RootElement);

        Assert.Equal(ExitCodes.Findings, local.ExitCode);
        Assert.Equal(local.ExitCode, remote.ExitCode);
        var localFiles = Files(local);
        var remoteFiles = Files(remote);
        Assert.Equal(localFiles["content/post.md"], remoteFiles["content/post.md"]);
        Assert.Equal(localFiles["content/hopper.jpg"], remoteFiles["content/hopper.jpg"]);
        Assert.Equal(apiText, localFiles["content/post.md"]);
        Assert.Equal(apiImage, localFiles["content/hopper.jpg"]);

        // What the verdicts agree on is the configured one: the allowed host is not reported, the other is.
        Assert.Contains("rejected", apiText, StringComparison.Ordinal);
        Assert.Contains("student-name/elementary", apiText, StringComparison.Ordinal);
        Assert.Contains("email/student", apiText, StringComparison.Ordinal);
        Assert.Single(apiText.Split('\n'), l => l.StartsWith("link/external", StringComparison.Ordinal));
        Assert.Contains("media-restriction/face error", apiImage, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Files(CliResult result)
    {
        using var json = result.Json();
        return json.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, Summary, StringComparer.Ordinal);
    }

    /// <summary>The decision, then one line per finding: rule, severity, and where (span or region).</summary>
    private static string Summary(JsonElement verdict)
    {
        var lines = new List<string> { verdict.GetProperty("decision").GetString()! };
        lines.AddRange(verdict.GetProperty("findings").EnumerateArray()
            .Select(f => string.Join(' ',
                f.GetProperty("ruleId").GetString(),
                f.GetProperty("severity").GetString(),
                f.TryGetProperty("span", out var span) ? JsonSerializer.Serialize(span) : "",
                f.TryGetProperty("region", out var region) ? JsonSerializer.Serialize(region) : ""))
            .Order(StringComparer.Ordinal));
        return string.Join('\n', lines);
    }
}
