using System.Net;
using System.Text.Json;
using Kusd.Moderation.TestSupport;

namespace Kusd.Moderation.Api.Tests;

/// <summary>
/// A key made for one school's CMS is bound to that school: its checks compare faces only with that school's
/// restricted students (fewer comparisons, fewer false matches), and it cannot widen the scope by naming others.
/// </summary>
public sealed class SchoolBoundKeyTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync();
        await _server.ImportRosterAsync(
            """
            id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails,schools
            S1003,student,Grace,Hopper,,03,true,,north
            """,
            "S1003",
            Photos.Read("grace_hopper_512x512.jpg"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("north", "rejected")]
    [InlineData("south", "approved")]
    public async Task AKeyBoundToASchoolComparesFacesOnlyWithThatSchoolsRestrictedStudents(string school, string decision)
    {
        using var client = _server.Client(await KeyAsync(school));

        var verdict = await CheckPhotoAsync(client, schools: null);

        Assert.Equal(HttpStatusCode.OK, verdict.Status);
        Assert.Equal(decision, verdict.Body.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task AKeyBoundToASchoolMayNotNameAnotherButMayNameItsOwn()
    {
        using var client = _server.Client(await KeyAsync("south"));

        var other = await CheckPhotoAsync(client, schools: ["north"]);
        var own = await CheckPhotoAsync(client, schools: ["SOUTH"]);

        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Contains("bound to its schools", other.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal("approved", own.Body.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task AKeysSchoolsAreListedAndBadCodesAreRefused()
    {
        using var admin = _server.Client(_server.AdminKey);
        await KeyAsync("north");

        using var bad = await admin.PostAsJsonAsync("/v1/keys", new { name = "bad", scopes = new[] { "check" }, schools = new[] { "north high" } });
        var keys = await admin.GetFromJsonAsync<JsonElement>("/v1/keys");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("schools").EnumerateArray().Select(s => s.GetString()).SequenceEqual(["north"]));
        Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("schools").GetArrayLength() == 0);
    }

    private async Task<string> KeyAsync(string school)
    {
        using var admin = _server.Client(_server.AdminKey);
        using var created = await admin.PostAsJsonAsync("/v1/keys", new { name = $"{school} site", scopes = new[] { "check" }, schools = new[] { school } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CheckPhotoAsync(HttpClient client, string[]? schools)
    {
        using var response = await client.PostAsJsonAsync("/v1/checks", new
        {
            images = new[] { new { name = "hopper.jpg", data = Convert.ToBase64String(Photos.Read("grace_hopper_512x512.jpg")) } },
            schools,
        });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
