using System.Net;
using System.Text.Json;
using Kusd.Moderation.TestSupport;

namespace Kusd.Moderation.Api.Tests;

public sealed class SqliteOverridesApiTests(ApiServerFixture fixture) : OverridesApiTests(fixture), IClassFixture<ApiServerFixture>;

public sealed class PostgresOverridesApiTests : OverridesApiTests, IClassFixture<PostgresApiServerFixture>
{
    public PostgresOverridesApiTests(PostgresApiServerFixture fixture)
        : base(fixture) => Skip.If(TestDatabases.PostgresSkipReason is not null, TestDatabases.PostgresSkipReason);
}

public abstract class OverridesApiTests(ApiServerFixture fixture)
{
    private ApiServer Server => fixture.Server;

    [SkippableFact]
    public async Task AnOverrideWithAReasonIsRecordedAgainstTheCheckAndReadBack()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        var verdict = await ApiTests.CheckTextAsync(client, "Grace Hopper led the robotics club.");
        Assert.Equal("rejected", verdict.GetProperty("decision").GetString());
        var id = verdict.GetProperty("id").GetString()!;

        const string Reason = "The family withdrew the media restriction in writing on Monday.";
        using var created = await client.PostAsJsonAsync($"/v1/checks/{id}/overrides", new { reason = Reason, user = "web.specialist" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("checkId").GetString());
        Assert.Equal("web.specialist", body.GetProperty("user").GetString());

        var list = await client.GetFromJsonAsync<JsonElement>($"/v1/checks/{id}/overrides");
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal(Reason, only.GetProperty("reason").GetString());
        Assert.Equal("web.specialist", only.GetProperty("user").GetString());
    }

    [SkippableTheory]
    [InlineData("""{"reason":"ok","user":"web.specialist"}""", "reason")]
    [InlineData("""{"reason":"The family withdrew the restriction in writing.","user":""}""", "user")]
    [InlineData("""{}""", "reason")]
    public async Task AnOverrideWithoutAReasonOrUserIsAProblemAndNothingIsRecorded(string json, string field)
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        var id = (await ApiTests.CheckTextAsync(client, "Grace Hopper led the robotics club.")).GetProperty("id").GetString()!;

        using var response = await client.PostAsync($"/v1/checks/{id}/overrides", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/v1/checks/{id}/overrides")).EnumerateArray());
    }

    [SkippableFact]
    public async Task AKeyCannotOverrideAnotherKeysCheckOrOneThatDoesNotExist()
    {
        using var owner = Server.Client(await Server.CreateKeyAsync("check"));
        var id = (await ApiTests.CheckTextAsync(owner, "Grace Hopper led the robotics club.")).GetProperty("id").GetString()!;
        using var other = Server.Client(await Server.CreateKeyAsync("check"));
        var body = new { reason = "The family withdrew the restriction in writing.", user = "someone" };

        using var foreign = await other.PostAsJsonAsync($"/v1/checks/{id}/overrides", body);
        using var missing = await owner.PostAsJsonAsync("/v1/checks/chk_none/overrides", body);
        using var roster = Server.Client(await Server.CreateKeyAsync("roster"));
        using var wrongScope = await roster.PostAsJsonAsync($"/v1/checks/{id}/overrides", body);

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        Assert.Empty((await owner.GetFromJsonAsync<JsonElement>($"/v1/checks/{id}/overrides")).EnumerateArray());
    }
}
