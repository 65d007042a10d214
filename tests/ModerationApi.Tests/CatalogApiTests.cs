using System.Net;
using System.Text.Json;

namespace Kusd.Moderation.Api.Tests;

/// <summary><c>GET /v1/rules</c> and <c>GET /v1/limits</c>: the engine's words and limits, for clients that must not copy them.</summary>
public sealed class CatalogApiTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task TheRuleCatalogNamesEveryRuleIdWithoutAKey()
    {
        using var anonymous = fixture.Server.Client();

        using var response = await anonymous.GetAsync("/v1/rules");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var rules = body.RootElement.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r);
        Assert.Equal(RuleIds.All.Order(StringComparer.Ordinal), rules.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("error", rules[RuleIds.LinkExternal].GetProperty("severity").GetString());
        Assert.Equal("note", rules[RuleIds.ImageLocation].GetProperty("severity").GetString());
        Assert.Equal("none", rules[RuleIds.MediaRestrictionName].GetProperty("automaticFix").GetString());
        Assert.All(rules.Values, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("help").GetString())));
    }

    [Fact]
    public async Task TheLimitsAreTheOnesTheCheckEndpointEnforces()
    {
        using var anonymous = fixture.Server.Client();
        using var limits = JsonDocument.Parse(await anonymous.GetStringAsync("/v1/limits"));
        var maxImageBytes = limits.RootElement.GetProperty("maxImageBytes").GetInt64();
        var maxFieldLength = limits.RootElement.GetProperty("maxFieldLength").GetInt32();
        Assert.Contains("image/tiff", limits.RootElement.GetProperty("imageTypes").EnumerateArray().Select(t => t.GetString()));

        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        using var longField = await client.PostAsJsonAsync("/v1/checks", new { fields = new[] { new { name = "body", text = new string('a', maxFieldLength + 1) } } });
        using var bigImage = new MultipartFormDataContent { { new ByteArrayContent(new byte[maxImageBytes + 1]), "photo", "big.jpg" } };
        using var tooBig = await client.PostAsync("/v1/checks", bigImage);

        Assert.Equal(HttpStatusCode.BadRequest, longField.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
    }

    [Fact]
    public async Task ATruncatedImageIsA422ProblemWithTheRuleIdTheCliReports()
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        var truncated = Photos.Read("grace_hopper_512x512.jpg")[..4000];
        using var form = new MultipartFormDataContent { { new ByteArrayContent(truncated), "photo", "cut.jpg" } };

        using var response = await client.PostAsync("/v1/checks", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(RuleIds.CheckUnavailable, problem.RootElement.GetProperty("ruleId").GetString());
        Assert.Equal("images[0]", problem.RootElement.GetProperty("image").GetString());
    }
}
