using System.Net;

namespace Kusd.Moderation.Api.Tests;

public sealed class MetricsTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task MetricsCountDecisionsAndFindingsPerRuleWithoutAnyContent()
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        using var check = await client.PostAsJsonAsync("/v1/checks", new { fields = new[] { new { name = "body", text = "Emma Kowalski wrote to ekowalski27@students.kusd.edu" } } });
        check.EnsureSuccessStatusCode();
        using var anonymous = fixture.Server.Client();

        // The exporter caches a scrape briefly; ask until the check shows up.
        var metrics = "";
        for (var attempt = 0; attempt < 20 && !metrics.Contains("kusd_findings_total", StringComparison.Ordinal); attempt++)
        {
            using var response = await anonymous.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            metrics = await response.Content.ReadAsStringAsync();
            await Task.Delay(500);
        }

        Assert.Contains("kusd_checks_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("rule=\"student-name/elementary\"", metrics, StringComparison.Ordinal);
        Assert.Contains("kusd_checker_duration", metrics, StringComparison.Ordinal);
        Assert.Contains("kusd_roster_restricted", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("Kowalski", metrics, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ekowalski27", metrics, StringComparison.OrdinalIgnoreCase);
    }
}
