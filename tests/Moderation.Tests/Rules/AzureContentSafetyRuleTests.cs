using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Kusd.Moderation.Content;
using Kusd.Moderation.Providers;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rules;

public sealed class AzureContentSafetyRuleTests : IDisposable
{
    private const string Key = "test-key-0123456789abcdef";

    private readonly FakeContentSafetyServer _server = new();

    public void Dispose() => _server.Dispose();

    private AzureContentSafetyRule CreateRule(TimeSpan? timeout = null) => new(new AzureContentSafetyOptions
    {
        Endpoint = _server.Endpoint,
        ApiKey = Key,
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
    });

    private static async Task<Verdict> CheckAsync(AzureContentSafetyRule rule, string text)
    {
        var options = new ModerationOptions();
        var engine = new ModerationEngine([rule], new FixedRosterProvider(RosterSnapshot.Empty), options);
        return await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text)] });
    }

    private static string Answer(int sexual, int hate = 0) =>
        $$"""{"blocklistsMatch":[],"categoriesAnalysis":[{"category":"Hate","severity":{{hate}}},{"category":"SelfHarm","severity":0},{"category":"Sexual","severity":{{sexual}}},{"category":"Violence","severity":0}]}""";

    [Fact]
    public async Task SexualSeveritySixIsAnExplicitTextErrorOnTheField()
    {
        _server.Respond = _ => (200, Answer(sexual: 6));
        using var rule = CreateRule();
        var verdict = await CheckAsync(rule, "some text the service rates");

        Assert.Equal(Decision.Rejected, verdict.Decision);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.ExplicitText, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("Azure AI Content Safety rated this field Sexual severity 6.", finding.Message);
        Assert.Equal(FindingTarget.Text("body"), finding.Target);
        Assert.Null(finding.Span);
        Assert.Null(finding.Evidence);
        Assert.Equal("text:analyze 2024-09-01", verdict.Models["azureContentSafety"]);
    }

    [Fact]
    public async Task RequestCarriesTheKeyHeaderApiVersionAndTheText()
    {
        _server.Respond = _ => (200, Answer(sexual: 0));
        using var rule = CreateRule();
        var verdict = await CheckAsync(rule, "Bake sale on Friday");

        Assert.Equal(Decision.Approved, verdict.Decision);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/contentsafety/text:analyze", request.Path);
        Assert.Equal("?api-version=2024-09-01", request.Query);
        Assert.Equal(Key, request.Key);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("Bake sale on Friday", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("Sexual", Assert.Single(body.RootElement.GetProperty("categories").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task SexualSeverityTwoIsAWarningAndOtherCategoriesAreIgnored()
    {
        _server.Respond = _ => (200, Answer(sexual: 2, hate: 6));
        using var rule = CreateRule();
        var verdict = await CheckAsync(rule, "borderline text");

        Assert.Equal(Decision.NeedsReview, verdict.Decision);
        Assert.Equal(Severity.Warning, Assert.Single(verdict.Findings).Severity);
    }

    [Theory]
    [InlineData(500, """{"error":{"code":"InternalServerError","message":"boom"}}""")]
    [InlineData(401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key."}}""")]
    [InlineData(200, "<html>not json</html>")]
    [InlineData(200, """{"categoriesAnalysis":[{"category":"Hate","severity":0}]}""")]
    public async Task ServiceFailureIsCheckUnavailableNeverApproval(int status, string answer)
    {
        _server.Respond = _ => (status, answer);
        using var rule = CreateRule();
        var verdict = await CheckAsync(rule, "anything");

        Assert.Equal(Decision.NeedsReview, verdict.Decision);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.CheckUnavailable, finding.RuleId);
        Assert.DoesNotContain(Key, JsonSerializer.Serialize(verdict, ModerationJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowServiceTimesOutAsCheckUnavailable()
    {
        _server.Respond = _ =>
        {
            Thread.Sleep(1500);
            return (200, Answer(sexual: 0));
        };
        using var rule = CreateRule(TimeSpan.FromMilliseconds(200));
        var verdict = await CheckAsync(rule, "anything");

        Assert.Equal(RuleIds.CheckUnavailable, Assert.Single(verdict.Findings).RuleId);
    }

    [Fact]
    public async Task UnreachableServiceThrowsWithoutTheKey()
    {
        using var rule = CreateRule();
        _server.Dispose();
        var context = new CheckContext(
            new CheckRequest { Fields = [new ContentField("body", "x")] },
            [ContentParser.Parse(new ContentField("body", "x"))], RosterSnapshot.Empty, new ModerationOptions());

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () => await rule.AnalyzeAsync(context, [], CancellationToken.None));
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongFieldIsSentInChunksAndTheWorstRatingCounts()
    {
        _server.Respond = body => (200, Answer(sexual: body.Contains("needle", StringComparison.Ordinal) ? 4 : 0));
        using var rule = CreateRule();
        var text = string.Concat(Enumerable.Repeat("word ", 5_000)) + "needle " + string.Concat(Enumerable.Repeat("word ", 500));
        var verdict = await CheckAsync(rule, text);

        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.InRange(JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString()!.Length, 1, AzureContentSafetyRule.MaxChunkLength));
        Assert.Equal(Severity.Error, Assert.Single(verdict.Findings).Severity);
    }

    [Fact]
    public void ChunksCoverTheTextExactlyWithoutSplittingASurrogatePair()
    {
        var text = new string('a', 9_999) + "\U0001F600" + new string('b', 12_000);
        var chunks = AzureContentSafetyRule.Chunk(text).ToList();
        Assert.Equal(text, string.Concat(chunks));
        Assert.All(chunks, c => Assert.False(char.IsHighSurrogate(c[^1])));
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, AzureContentSafetyRule.MaxChunkLength));
    }

    [Fact]
    public void RuleIsOffUnlessEndpointAndKeyAreSet()
    {
        Assert.Null(AzureContentSafetyRule.CreateIfConfigured(null));
        Assert.Null(AzureContentSafetyRule.CreateIfConfigured(new AzureContentSafetyOptions { Endpoint = "https://x.cognitiveservices.azure.com" }));
        Assert.Null(AzureContentSafetyRule.CreateIfConfigured(new AzureContentSafetyOptions { ApiKey = Key }));
        using var rule = AzureContentSafetyRule.CreateIfConfigured(new AzureContentSafetyOptions { Endpoint = "https://x.cognitiveservices.azure.com", ApiKey = Key });
        Assert.NotNull(rule);
    }

    [Fact]
    public void PlainHttpEndpointOffThisMachineIsRefusedWithoutNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AzureContentSafetyRule(new AzureContentSafetyOptions { Endpoint = "http://example.com", ApiKey = Key }));
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A local stand-in for the documented REST API, on a free loopback port.</summary>
    private sealed class FakeContentSafetyServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private bool _disposed;

        public FakeContentSafetyServer()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Endpoint = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
            }

            _listener.Prefixes.Add(Endpoint);
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public Func<string, (int Status, string Body)> Respond { get; set; } = _ => (500, "");

        public ConcurrentQueue<(string Method, string Path, string Query, string? Key, string Body)> Requests { get; } = new();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => Answer(context));
            }
        }

        private void Answer(HttpListenerContext context)
        {
            try
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = reader.ReadToEnd();
                Requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Url.Query,
                    context.Request.Headers["Ocp-Apim-Subscription-Key"], body));
                var (status, answer) = Respond(body);
                var bytes = Encoding.UTF8.GetBytes(answer);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = bytes.Length;
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The client gave up (timeout test) or the server is stopping.
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
