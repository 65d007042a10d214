using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Kusd.Moderation.Api.Tests;

/// <summary>The hostile client's findings, each as a test that failed before its fix.</summary>
public sealed class HardeningTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheDatabaseFilesAreReadableOnlyByTheirOwner()
    {
        var data = fixture.Server.DataDirectory;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        foreach (var file in new[] { "moderation.db", "moderation.db-wal", "moderation.db-shm" }.Select(f => Path.Combine(data, f)).Where(File.Exists))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.True(File.Exists(Path.Combine(data, "moderation.db")));
    }

    [Fact]
    public async Task FileNamesAndFreeFormFieldNamesStayOutOfTheAuditRecord()
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Emma Kowalski won the spelling bee."), "Xavier_Pemberton_note" },
            { new ByteArrayContent(Photos.Read("page.png")), "photo", "Xavier_Pemberton_grade2_S1002.png" },
        };
        using var check = await client.PostAsync("/v1/checks", form);
        check.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var record = await client.GetStringAsync($"/v1/checks/{id}");

        Assert.DoesNotContain("Xavier", record, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Pemberton", record, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("images[0]", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFormPageAndTheApiSendSecurityHeaders()
    {
        using var anonymous = fixture.Server.Client();
        foreach (var path in new[] { "/", "/v1/rules" })
        {
            using var response = await anonymous.GetAsync(path);

            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task AnUnterminatedMultipartBodyIsA400ProblemNotA500()
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        var body = "--b0undary\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nHello, this part never ends";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0undary");

        using var response = await client.PostAsync("/v1/checks", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(" \xff ")]
    [InlineData("\xff")]
    [InlineData(" \xff\xfe\xc3 ")]
    public async Task UndecodableBytesInAMultipartCaptionDoNotHideARestrictedName(string between)
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.ASCII.GetBytes("--b0undary\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nLiam"));
        bytes.AddRange(System.Text.RegularExpressions.Regex.Unescape(between).Select(c => (byte)c));
        bytes.AddRange(Encoding.ASCII.GetBytes("Nowak read a poem.\r\n--b0undary--\r\n"));
        using var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0undary");

        using var response = await client.PostAsync("/v1/checks", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(RuleIds.MediaRestrictionName, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverlongUrlAndOversizedHeadersAreProblemDocuments()
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);
        using var longUrl = await client.GetAsync("/v1/rules?q=" + new string('a', 12_000));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/rules");
        for (var i = 0; i < 8; i++)
        {
            request.Headers.Add($"X-Padding-{i}", new string('b', 5_000));
        }

        using var bigHeaders = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
        Assert.Equal("application/problem+json", longUrl.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeaders.StatusCode);
        Assert.Equal("application/problem+json", bigHeaders.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task NoSuchPersonIsAProblemDocument()
    {
        using var client = fixture.Server.Client(fixture.Server.AdminKey);

        using var response = await client.GetAsync("/v1/roster/people/S9999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>Tests that need a server of their own (its address gets blocked, or its logs are read).</summary>
public sealed class HardeningServerTests
{
    [Fact]
    public async Task AnAddressThatSendsTooManyWrongKeysIsTurnedAwayForAWhile()
    {
        await using var server = await ApiServer.StartAsync();
        using var wrong = server.Client("kusd_wrong_" + new string('x', 40));

        for (var i = 0; i < 30; i++)
        {
            using var refused = await wrong.GetAsync("/v1/roster/status");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await wrong.GetAsync("/v1/roster/status");
        using var right = server.Client(server.AdminKey);
        using var evenTheRightKey = await right.GetAsync("/v1/roster/status");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, evenTheRightKey.StatusCode);
    }

    [Fact]
    public async Task AKeyInTheQueryStringNeverReachesTheLogsEvenAtDebug()
    {
        var captured = new ConcurrentQueue<string>();
        await using var server = await ApiServer.StartWithAsync(
            builder => builder.Logging.AddProvider(new CapturingLoggerProvider(captured)),
            null,
            "--Logging:LogLevel:Default", "Debug",
            "--Logging:LogLevel:Microsoft.AspNetCore", "Debug");
        using var anonymous = server.Client();

        using var response = await anonymous.GetAsync("/v1/roster/status?api_key=kusd_secret_in_query_123");
        using var bad = await anonymous.PostAsync("/v1/checks?api_key=kusd_secret_in_query_123", new StringContent("{", Encoding.UTF8, "application/json"));
        using var admin = server.Client(server.AdminKey);
        using var notAnImage = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("this is a text file")), "photo", "notes.jpg" } };
        using var refused = await admin.PostAsync("/v1/checks", notAnImage);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);

        Assert.NotEmpty(captured);
        Assert.DoesNotContain(captured, line => line.Contains("kusd_secret_in_query_123", StringComparison.Ordinal));
        Assert.DoesNotContain(captured, line => line.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(captured, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
        Assert.Contains(captured, line => line.StartsWith("Information", StringComparison.Ordinal) && line.Contains("refused: image UnknownFormat", StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
