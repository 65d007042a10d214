using System.Net;
using System.Text;
using System.Text.Json;
using Kusd.Moderation.TestSupport;

namespace Kusd.Moderation.Api.Tests;

public sealed class LimitsAndSharingTests
{
    [Fact]
    public async Task AKeyOverItsLimitGets429WithRetryAfterAndRateLimitHeaders()
    {
        await using var server = await ApiServer.StartAsync(null, "--RateLimits:PermitLimit", "3", "--RateLimits:WindowSeconds", "60");
        using var client = server.Client(await server.CreateKeyAsync("check"));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await ApiTests.PostTextAsync(client, "Spring concert tonight.", null);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("\"default\";q=3;w=60", last.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"default\";r=0;t=", last.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        last.Dispose();
    }

    [Fact]
    public async Task ARequestOverTheBodyLimitIs413()
    {
        await using var server = await ApiServer.StartAsync(null, "--Limits:MaxRequestBytes", "100000");
        using var client = server.Client(server.AdminKey);

        using var response = await ApiTests.PostTextAsync(client, new string('a', 200_000), null);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ImageChecksBeyondTheQueueGet503WithRetryAfterAndNoErrorsOtherwise()
    {
        await using var server = await ApiServer.StartAsync(null, "--Limits:MaxConcurrentImageChecks", "1", "--Limits:MaxQueuedImageChecks", "1");
        using var client = server.Client(server.AdminKey);
        var photo = Convert.ToBase64String(Photos.Read("sample1.jpg"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            client.PostAsJsonAsync("/v1/checks", new { images = new[] { new { name = "g.jpg", data = photo } } })));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, s.ToString()));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable), r => Assert.NotNull(r.Headers.RetryAfter));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [PostgresFact]
    public async Task TwoServersOnOnePostgresSeeEachOthersRosterChanges()
    {
        var connectionString = TestDatabases.CreatePostgresDatabase();
        var shared = Path.Combine(Path.GetTempPath(), "kusd-shared-" + Guid.NewGuid().ToString("N"));
        await using var first = await ApiServer.StartAsync(shared, "--Storage:PostgresConnectionString", connectionString);
        await using var second = await ApiServer.StartAsync(shared, "--Storage:PostgresConnectionString", connectionString);
        using var one = first.Client(first.AdminKey);
        using var two = second.Client(first.AdminKey);

        (await one.PostAsync("/v1/roster/import", new StringContent(ApiServerFixture.RosterCsv, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Photos.Read("grace_hopper_512x512.jpg")), "photo", "enrol.jpg" } };
        (await one.PostAsync("/v1/roster/people/S1003/faces", form)).EnsureSuccessStatusCode();

        var decision = "";
        for (var attempt = 0; attempt < 20 && decision != "rejected"; attempt++)
        {
            using var response = await ApiTests.PostImageAsync(two, ApiTests.Resize(Photos.Read("grace_hopper_512x512.jpg"), 0.6));
            decision = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decision").GetString()!;
            if (decision != "rejected")
            {
                await Task.Delay(250);
            }
        }

        Assert.Equal("rejected", decision);
        var text = await ApiTests.CheckTextAsync(two, "Emma Kowalski read a poem.");
        Assert.Equal("approvedWithChanges", text.GetProperty("decision").GetString());
    }
}
