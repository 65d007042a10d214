using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kusd.Moderation.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Api.Tests;

public class ApiServerFixture : IAsyncLifetime
{
    public const string RosterCsv = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu;kowalski.family@example.com
        S1002,student,Liam,Nowak,,04,true,lnowak31@students.kusd.edu
        S1003,student,Grace,Hopper,,03,true,
        T2001,staff,Karen,Mueller,,,false,kmueller@kusd.edu
        """;

    public ApiServer Server { get; private set; } = null!;

    /// <summary>Extra settings of the server (the PostgreSQL fixture names its database here).</summary>
    protected virtual string[] Settings() => [];

    public virtual async Task InitializeAsync()
    {
        Server = await ApiServer.StartAsync(null, Settings());
        await Server.ImportRosterAsync(RosterCsv, "S1003", Photos.Read("grace_hopper_512x512.jpg"));
    }

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The same API tests on PostgreSQL (KUSD_TEST_POSTGRES; CI always sets it), reported skipped when not asked for.</summary>
public sealed class PostgresApiServerFixture : ApiServerFixture
{
    public override Task InitializeAsync() => TestDatabases.PostgresSkipReason is null ? base.InitializeAsync() : Task.CompletedTask;

    public override Task DisposeAsync() => TestDatabases.PostgresSkipReason is null ? base.DisposeAsync() : Task.CompletedTask;

    protected override string[] Settings() => ["--Storage:PostgresConnectionString", TestDatabases.CreatePostgresDatabase()];
}

public sealed class SqliteApiTests(ApiServerFixture fixture) : ApiTests(fixture), IClassFixture<ApiServerFixture>;

public sealed class PostgresApiTests : ApiTests, IClassFixture<PostgresApiServerFixture>
{
    public PostgresApiTests(PostgresApiServerFixture fixture)
        : base(fixture) => Skip.If(TestDatabases.PostgresSkipReason is not null, TestDatabases.PostgresSkipReason);
}

public abstract class ApiTests(ApiServerFixture fixture)
{
    private ApiServer Server => fixture.Server;

    [SkippableFact]
    public async Task HealthAndOpenApiNeedNoKey()
    {
        using var client = Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.StartsWith("3.1", openApi.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/checks", out var checks));
        Assert.False(string.IsNullOrEmpty(checks.GetProperty("post").GetProperty("summary").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs")).StatusCode);
    }

    public static TheoryData<string, string, string> Routes => new()
    {
        { "POST", "/v1/checks", "check" },
        { "GET", "/v1/checks/chk_0", "any" },
        { "GET", "/v1/roster/people", "roster" },
        { "GET", "/v1/roster/people/S1001", "roster" },
        { "PUT", "/v1/roster/people/S9", "roster" },
        { "DELETE", "/v1/roster/people/S9", "roster" },
        { "POST", "/v1/roster/import", "roster" },
        { "POST", "/v1/roster/people/S1001/faces", "roster" },
        { "DELETE", "/v1/roster/people/S9/faces", "roster" },
        { "GET", "/v1/roster/status", "roster" },
        { "GET", "/v1/keys", "admin" },
        { "POST", "/v1/keys", "admin" },
        { "DELETE", "/v1/keys/none", "admin" },
    };

    [SkippableTheory]
    [MemberData(nameof(Routes))]
    public async Task EveryRouteRefusesNoKeyAWrongKeyAndTheWrongScope(string method, string path, string scope)
    {
        using var anonymous = Server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode);

        using var wrong = Server.Client("kusd_0000000000_not-a-real-key");
        var wrongResponse = await wrong.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal("application/problem+json", wrongResponse.Content.Headers.ContentType?.MediaType);

        if (scope == "any")
        {
            return;
        }

        var otherScope = scope == "check" ? "roster" : "check";
        using var scoped = Server.Client(await Server.CreateKeyAsync(otherScope), useXApiKey: true);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode);
    }

    [SkippableFact]
    public async Task AnElementaryFullNameIsApprovedWithTheFixedText()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));

        var verdict = await CheckTextAsync(client, "Congratulations to Emma Kowalski on the spelling bee!");

        Assert.Equal("approvedWithChanges", verdict.GetProperty("decision").GetString());
        var finding = verdict.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "student-name/elementary");
        Assert.Equal(19, finding.GetProperty("span").GetProperty("start").GetInt32());
        Assert.Equal("Congratulations to Emma K. on the spelling bee!", verdict.GetProperty("sanitized").GetProperty("fields").GetProperty("body").GetString());
    }

    [SkippableFact]
    public async Task AnEnrolledRestrictedFaceIsRejectedWithItsRegionButNotItsName()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        var altered = Resize(Photos.Read("grace_hopper_512x512.jpg"), 0.7);

        using var response = await client.PostAsJsonAsync("/v1/checks", new
        {
            fields = Array.Empty<object>(),
            images = new[] { new { name = "assembly.jpg", data = Convert.ToBase64String(altered) } },
        });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verdict = JsonDocument.Parse(body).RootElement;
        Assert.Equal("rejected", verdict.GetProperty("decision").GetString());
        var face = verdict.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "media-restriction/face");
        Assert.Equal("error", face.GetProperty("severity").GetString());
        Assert.True(face.GetProperty("region").GetProperty("width").GetInt32() > 50);
        Assert.Equal("assembly.jpg", face.GetProperty("target").GetProperty("name").GetString());
        Assert.DoesNotContain("Hopper", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("S1003", body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheSameChecksWorkAsMultipart()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Emma Kowalski at field day"), "caption" },
            { new ByteArrayContent(Resize(Photos.Read("grace_hopper_512x512.jpg"), 0.8)), "image", "field-day.jpg" },
        };

        using var response = await client.PostAsync("/v1/checks", form);
        var verdict = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rejected", verdict.GetProperty("decision").GetString());
        var rules = verdict.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToList();
        Assert.Contains("media-restriction/face", rules);
        Assert.Contains("student-name/elementary", rules);
    }

    [SkippableFact]
    public async Task ARosterFileWithBadRowsIsRefusedWholeWithEveryRowError()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("roster"));
        const string Broken = """
            id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
            X1,student,Ann,Lee,,14,false,
            X2,student,,Park,,03,maybe,
            """;

        using var response = await client.PostAsync("/v1/roster/import", new StringContent(Broken, Encoding.UTF8, "text/csv"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var lines = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()).Distinct().ToList();
        Assert.Equal([2, 3], lines);
        var status = await client.GetFromJsonAsync<JsonElement>("/v1/roster/status");
        Assert.Equal(4, status.GetProperty("people").GetInt32());
    }

    [SkippableFact]
    public async Task ARetryWithTheSameIdempotencyKeyGetsTheFirstAnswer()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        var key = Guid.NewGuid().ToString();

        var first = await CheckTextAsync(client, "Field day is Friday.", key);
        var second = await CheckTextAsync(client, "Field day is Friday.", key);
        using var different = await PostTextAsync(client, "Field day is Saturday.", key);

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
    }

    [SkippableFact]
    public async Task ACheckRecordKeepsNoSubmittedTextAndOnlyRosterKeysSeeWhoMatched()
    {
        using var checker = Server.Client(await Server.CreateKeyAsync("check"));
        using var response = await checker.PostAsJsonAsync("/v1/checks", new
        {
            fields = new[] { new { name = "body", text = "Emma Kowalski and kowalski.family@example.com" } },
            images = new[] { new { name = "a.jpg", data = Convert.ToBase64String(Photos.Read("grace_hopper_512x512.jpg")) } },
        });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var asChecker = await checker.GetStringAsync($"/v1/checks/{id}");
        using var rosterClient = Server.Client(await Server.CreateKeyAsync("roster"));
        var asRoster = await rosterClient.GetFromJsonAsync<JsonElement>($"/v1/checks/{id}");

        Assert.DoesNotContain("Kowalski", asChecker, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", asChecker, StringComparison.Ordinal);
        Assert.DoesNotContain("S1003", asChecker, StringComparison.Ordinal);
        Assert.Equal("S1003", asRoster.GetProperty("matches")[0].GetProperty("personId").GetString());
    }

    [SkippableFact]
    public async Task ValidationErrorsNameTheField()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));

        using var response = await client.PostAsJsonAsync("/v1/checks", new { fields = new[] { new { name = "body", text = "hi", format = "docx" } } });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("fields[0].format", out _));
    }

    [SkippableFact]
    public async Task ATextFileSentAsAnImageIs415AndACorruptImageIs422()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        var jpeg = Photos.Read("grace_hopper_512x512.jpg");

        using var text = await PostImageAsync(client, Encoding.UTF8.GetBytes("this is not an image at all, just words"));
        using var truncated = await PostImageAsync(client, jpeg[..(jpeg.Length / 3)]);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("application/problem+json", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, truncated.StatusCode);
    }

    [SkippableFact]
    public async Task ADecompressionBombIsRefusedBeforeDecoding()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));

        using var response = await PostImageAsync(client, PngHeaderDeclaring(50_000, 50_000));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [SkippableFact]
    public async Task TooManyImagesAndDeepJsonAreRefused()
    {
        using var client = Server.Client(await Server.CreateKeyAsync("check"));
        var images = Enumerable.Range(0, 11).Select(i => new { name = $"{i}.png", data = "AA==" }).ToArray();

        using var many = await client.PostAsJsonAsync("/v1/checks", new { images });
        var deep = "{\"fields\":" + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "}";
        using var nested = await client.PostAsync("/v1/checks", new StringContent(deep, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);
    }

    [SkippableFact]
    public async Task DeletingAPersonDeletesTheirTemplatesAndMatches()
    {
        using var admin = Server.Client(Server.AdminKey);
        (await admin.PutAsJsonAsync("/v1/roster/people/S7001", new { id = "S7001", role = "student", givenName = "Temp", familyName = "Person", grade = "01", mediaRestriction = true, emails = Array.Empty<string>() })).EnsureSuccessStatusCode();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Photos.Read("astronaut.png")), "photo", "p.png" } };
        (await admin.PostAsync("/v1/roster/people/S7001/faces", form)).EnsureSuccessStatusCode();
        var check = await (await admin.PostAsJsonAsync("/v1/checks", new { images = new[] { new { name = "x.png", data = Convert.ToBase64String(Photos.Read("astronaut.png")) } } })).Content.ReadFromJsonAsync<JsonElement>();
        var id = check.GetProperty("id").GetString();
        var match = (await admin.GetFromJsonAsync<JsonElement>($"/v1/checks/{id}")).GetProperty("matches")[0];
        Assert.Equal("S7001", match.GetProperty("personId").GetString());
        Assert.False(match.GetProperty("inReviewBand").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v1/roster/people/S7001")).StatusCode);

        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/v1/checks/{id}")).GetProperty("matches").GetArrayLength());
        var status = await admin.GetFromJsonAsync<JsonElement>("/v1/roster/status");
        Assert.Equal(1, status.GetProperty("templates").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v1/roster/people/S7001")).StatusCode);
    }

    [SkippableFact]
    public async Task TheRosterStatusNamesRestrictedStudentsEnrolledFromFewerThanThreePhotos()
    {
        using var admin = Server.Client(Server.AdminKey);

        var status = await admin.GetFromJsonAsync<JsonElement>("/v1/roster/status");

        Assert.Contains("S1003", status.GetProperty("restrictedWithFewTemplates").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("S1003", status.GetProperty("restrictedEnrolledBeforeThisSchoolYear").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("S1002", status.GetProperty("restrictedWithoutTemplates").EnumerateArray().Select(e => e.GetString()));
    }

    [SkippableFact]
    public async Task EnrollingAGroupPhotoIsAClearError()
    {
        using var admin = Server.Client(Server.AdminKey);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Photos.Read("sample1.jpg")), "photo", "group.jpg" } };

        using var response = await admin.PostAsync("/v1/roster/people/S1001/faces", form);
        var problem = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("exactly one", problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ARevokedKeyStopsWorking()
    {
        using var admin = Server.Client(Server.AdminKey);
        using var created = await admin.PostAsJsonAsync("/v1/keys", new { name = "short-lived", scopes = new[] { "check" } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("info").GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/keys/{id}")).StatusCode);

        using var client = Server.Client(key);
        using var response = await PostTextAsync(client, "hello", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    internal static async Task<JsonElement> CheckTextAsync(HttpClient client, string text, string? idempotencyKey = null)
    {
        using var response = await PostTextAsync(client, text, idempotencyKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static Task<HttpResponseMessage> PostTextAsync(HttpClient client, string text, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/checks")
        {
            Content = JsonContent.Create(new { fields = new[] { new { name = "body", text, format = "plain" } }, channel = "website" }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request);
    }

    internal static Task<HttpResponseMessage> PostImageAsync(HttpClient client, byte[] data) =>
        client.PostAsJsonAsync("/v1/checks", new { images = new[] { new { name = "upload.jpg", data = Convert.ToBase64String(data) } } });

    internal static byte[] Resize(byte[] jpeg, double scale)
    {
        using var image = Image.Load(jpeg);
        image.Mutate(x => x.Resize((int)(image.Width * scale), (int)(image.Height * scale)));
        using var output = new MemoryStream();
        image.Save(output, new JpegEncoder { Quality = 70 });
        return output.ToArray();
    }

    // A valid PNG signature and IHDR that declare a huge image, with no pixel data behind them.
    internal static byte[] PngHeaderDeclaring(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8;
        ihdr[13] = 2;
        stream.Write([0, 0, 0, 13]);
        stream.Write(ihdr);
        var crc = Crc32(ihdr);
        var crcBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
        return stream.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    [SkippableFact]
    public async Task APutThatLeavesOutMediaRestrictionIsRefusedAndLiftsNothing()
    {
        using var admin = Server.Client(Server.AdminKey);

        using var put = await admin.PutAsJsonAsync("/v1/roster/people/S1002", new { id = "S1002", givenName = "Liam", familyName = "Nowak", grade = "04" });
        using var check = await admin.PostAsJsonAsync("/v1/checks", new { fields = new[] { new { name = "body", text = "Liam Nowak read a poem." } } });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var problem = await put.Content.ReadAsStringAsync();
        Assert.Contains("mediaRestriction", problem, StringComparison.Ordinal);
        Assert.Contains("emails", problem, StringComparison.Ordinal);
        Assert.Contains(RuleIds.MediaRestrictionName, await check.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("S1001\u200B", "Emma")]
    [InlineData("\u0405\u0031\u0030\u0030\u0031", "Emma")]
    [InlineData("S7002", null)]
    public async Task IdsWithInvisibleOrLookAlikeCharactersAndOverlongNamesAreRefused(string id, string? givenName)
    {
        id = System.Text.RegularExpressions.Regex.Unescape(id);
        using var admin = Server.Client(Server.AdminKey);

        using var put = await admin.PutAsJsonAsync(
            "/v1/roster/people/" + Uri.EscapeDataString(id),
            new { id, givenName = givenName ?? new string('x', 2_000_000), familyName = "Kowalski", grade = "02", mediaRestriction = false, emails = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
    }

}
