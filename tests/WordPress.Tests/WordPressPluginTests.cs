using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Kusd.Moderation.WordPress.Tests;

/// <summary>
/// The plugin in a real WordPress against the real API. One class: the tests share the site and run one after
/// another, and the two that change a setting (the API's address, the plugin's activation) put it back.
/// </summary>
public sealed class WordPressPluginTests(WordPressFixture fixture, ITestOutputHelper output) : IClassFixture<WordPressFixture>
{
    private const string RestrictedText = "Grace Hopper led the robotics club to the state finals.";
    private const string ElementaryText = "Emma Kowalski won the spelling bee!";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(90);

    private int _lastPublished;

    [Fact]
    public async Task InTheEditorAPostNamingARestrictedStudentCannotBePublishedAndAnEditorCannotOverride()
    {
        var page = await NewPostAsync("editor", "Robotics finals", RestrictedText);
        await OpenPrePublishPanelAsync(page);

        await ExpectDecisionAsync(page, "rejected");
        await Assertions.Expect(page.Locator(".kusd-moderation-panel")).ToContainTextAsync(await RuleTextAsync("media-restriction/name", RestrictedText));
        await Assertions.Expect(PublishButton(page)).ToHaveAttributeAsync("aria-disabled", "true");
        await Assertions.Expect(page.GetByLabel("Reason for publishing anyway")).ToHaveCountAsync(0);

        // Shortening a restricted name would still name the student: no fix is offered for it.
        await Assertions.Expect(page.Locator(".kusd-moderation-panel").GetByRole(AriaRole.Button, new() { Name = "Apply fix" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = WordPressFixture.ScreenshotPath("1-restricted-name-locked"), FullPage = true });

        // Force the click anyway: the editor keeps the post unpublished.
        await PublishButton(page).ClickAsync(new() { Force = true });
        var id = await PostIdAsync(page);
        using var wp = fixture.WordPress("admin");
        Assert.NotEqual("publish", (await GetPostAsync(wp, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task InTheEditorApplyingTheFixToAnElementaryStudentsFullNameMakesThePostPublishable()
    {
        var page = await NewPostAsync("editor", "Spelling bee", ElementaryText);
        await OpenPrePublishPanelAsync(page);

        await ExpectDecisionAsync(page, "approvedWithChanges");
        await Assertions.Expect(PublishButton(page)).ToHaveAttributeAsync("aria-disabled", "true");
        var finding = page.Locator(".kusd-moderation-finding").Filter(new() { HasText = "Emma Kowalski" });
        await Assertions.Expect(finding).ToContainTextAsync("Emma K.");
        await Assertions.Expect(finding).ToContainTextAsync(await RuleTextAsync("student-name/elementary", ElementaryText));
        await page.ScreenshotAsync(new() { Path = WordPressFixture.ScreenshotPath("2-elementary-fix-offered"), FullPage = true });

        await finding.GetByRole(AriaRole.Button, new() { Name = "Apply fix" }).ClickAsync();

        await ExpectDecisionAsync(page, "approved");
        await Assertions.Expect(PublishButton(page)).Not.ToHaveAttributeAsync("aria-disabled", "true");
        await PublishButton(page).ClickAsync();
        await Assertions.Expect(page.Locator(".post-publish-panel__postpublish-header")).ToContainTextAsync("is now live", new() { Timeout = (float)CheckTimeout.TotalMilliseconds });

        using var wp = fixture.WordPress("admin");
        var post = await GetPostAsync(wp, await PostIdAsync(page));
        Assert.Equal("publish", post.GetProperty("status").GetString());
        var content = post.GetProperty("content").GetProperty("raw").GetString()!;
        Assert.Contains("Emma K. won the spelling bee!", content, StringComparison.Ordinal);
        Assert.DoesNotContain("Kowalski", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdministratorsOverrideWithAWrittenReasonPublishesAndIsRecordedWithThePostAndInTheApiAudit()
    {
        const string Reason = "The family withdrew the media restriction in writing on Monday; the office updates the roster.";
        var page = await NewPostAsync("admin", "State finals", RestrictedText);
        await OpenPrePublishPanelAsync(page);
        await ExpectDecisionAsync(page, "rejected");
        var overrideButton = page.GetByRole(AriaRole.Button, new() { Name = "Override and allow publishing" });
        await Assertions.Expect(overrideButton).ToBeDisabledAsync();

        await page.GetByLabel("Reason for publishing anyway").FillAsync(Reason);
        await overrideButton.ClickAsync();

        await Assertions.Expect(page.Locator(".kusd-moderation-overridden")).ToContainTextAsync(Reason, new() { Timeout = (float)CheckTimeout.TotalMilliseconds });
        await page.ScreenshotAsync(new() { Path = WordPressFixture.ScreenshotPath("3-overridden"), FullPage = true });
        await Assertions.Expect(PublishButton(page)).Not.ToHaveAttributeAsync("aria-disabled", "true");
        await PublishButton(page).ClickAsync();
        await Assertions.Expect(page.Locator(".post-publish-panel__postpublish-header")).ToContainTextAsync("is now live", new() { Timeout = (float)CheckTimeout.TotalMilliseconds });

        var id = await PostIdAsync(page);
        using var wp = fixture.WordPress("admin");
        Assert.Equal("publish", (await GetPostAsync(wp, id)).GetProperty("status").GetString());
        var recorded = JsonDocument.Parse(await fixture.WpToolAsync("post-meta", id.ToString(CultureInfo.InvariantCulture), "_kusd_moderation_override")).RootElement;
        var onPost = Assert.Single(recorded.EnumerateArray());
        Assert.Equal(Reason, onPost.GetProperty("reason").GetString());
        Assert.Equal("admin", onPost.GetProperty("userLogin").GetString());

        using var api = fixture.Api(fixture.CheckKey);
        var audit = await api.GetFromJsonAsync<JsonElement>($"/v1/checks/{onPost.GetProperty("checkId").GetString()}/overrides");
        var inAudit = Assert.Single(audit.EnumerateArray());
        Assert.Equal(Reason, inAudit.GetProperty("reason").GetString());
        Assert.Equal("admin", inAudit.GetProperty("user").GetString());
    }

    [Fact]
    public async Task ARestPostWithStatusPublishNamingARestrictedStudentIsRefusedWithAReadableErrorThatNamesNoOne()
    {
        using var wp = fixture.WordPress("editor");
        var title = "REST robotics " + Guid.NewGuid().ToString("N")[..8];

        using var response = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title, content = RestrictedText, status = "publish" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("kusd_moderation_rejected", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("cannot be published", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Hopper", error.ToString(), StringComparison.Ordinal);
        var details = error.GetProperty("data").GetProperty("kusdModeration");
        Assert.Equal("rejected", details.GetProperty("decision").GetString());
        Assert.Contains(details.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "media-restriction/name");

        var found = await wp.GetFromJsonAsync<JsonElement>($"/wp-json/wp/v2/posts?search={title}&status=publish,future,draft,pending&context=edit");
        Assert.Empty(found.EnumerateArray());

        // The override route is for the dedicated capability only.
        using var overrideAttempt = await wp.PostAsJsonAsync("/wp-json/kusd-moderation/v1/override", new { post_id = 1, title, content = RestrictedText, reason = "I would like to publish this anyway." });
        Assert.Equal(HttpStatusCode.Forbidden, overrideAttempt.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = fixture.WordPressAddress };
        using var anonymousCheck = await anonymous.PostAsJsonAsync("/wp-json/kusd-moderation/v1/check", new { post_id = 1, content = RestrictedText });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousCheck.StatusCode);
    }

    [Fact]
    public async Task AnXmlRpcPublishNamingARestrictedStudentIsSavedAsADraft()
    {
        var title = "XML-RPC robotics " + Guid.NewGuid().ToString("N")[..8];
        var body = $"""
            <?xml version="1.0"?>
            <methodCall><methodName>wp.newPost</methodName><params>
            <param><value><int>1</int></value></param>
            <param><value><string>editor</string></value></param>
            <param><value><string>{fixture.AppPasswords["editor"]}</string></value></param>
            <param><value><struct>
              <member><name>post_title</name><value><string>{title}</string></value></member>
              <member><name>post_content</name><value><string>{RestrictedText}</string></value></member>
              <member><name>post_status</name><value><string>publish</string></value></member>
            </struct></value></param>
            </params></methodCall>
            """;
        using var client = new HttpClient { BaseAddress = fixture.WordPressAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var response = await client.PostAsync("/xmlrpc.php", new StringContent(body, Encoding.UTF8, "text/xml"));
        var xml = await response.Content.ReadAsStringAsync();
        var id = System.Text.RegularExpressions.Regex.Match(xml, @"<string>(\d+)</string>").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(id), xml);

        using var wp = fixture.WordPress("admin");
        Assert.Equal("draft", (await GetPostAsync(wp, int.Parse(id, CultureInfo.InvariantCulture))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AScheduledPostThatCronPublishesIsHeldForReviewWhenItsContentIsRejected()
    {
        using var wp = fixture.WordPress("admin");
        using var draft = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title = "Scheduled robotics", content = RestrictedText, status = "draft" });
        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        var id = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32().ToString(CultureInfo.InvariantCulture);

        // wp_publish_post is what cron calls for a scheduled post: it skips wp_insert_post_data.
        await fixture.WpToolAsync("publish", id);

        Assert.Equal("pending", (await fixture.WpToolAsync("status", id)).Trim());
    }

    [Fact]
    public async Task QuickEditToPublishedKeepsAPostNamingARestrictedStudentADraft()
    {
        using var wp = fixture.WordPress("editor");
        var title = "Quick edit robotics " + Guid.NewGuid().ToString("N")[..6];
        using var draft = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title, content = RestrictedText, status = "draft" });
        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        var id = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var page = await fixture.SignedInPageAsync("editor");
        await page.GotoAsync(new Uri(fixture.WordPressAddress, "/wp-admin/edit.php?post_status=draft").ToString());
        var row = page.Locator($"#post-{id}");
        await row.HoverAsync();
        await row.Locator("button.editinline").ClickAsync();
        var editor = page.Locator("#edit-" + id.ToString(CultureInfo.InvariantCulture));
        await editor.Locator("select[name=_status]").SelectOptionAsync("publish");
        await editor.Locator("button.save").ClickAsync();
        await Assertions.Expect(page.Locator($"#post-{id}")).ToBeVisibleAsync();
        await Assertions.Expect(editor).ToHaveCountAsync(0, new() { Timeout = (float)CheckTimeout.TotalMilliseconds });

        using var admin = fixture.WordPress("admin");
        Assert.Equal("draft", (await GetPostAsync(admin, id)).GetProperty("status").GetString());

        // The author's next admin page says why, in the rules' words, without the post's text.
        await page.GotoAsync(new Uri(fixture.WordPressAddress, "/wp-admin/edit.php").ToString());
        var notice = page.Locator(".kusd-moderation-notice");
        await Assertions.Expect(notice).ToContainTextAsync("Not published.");
        await Assertions.Expect(notice).ToContainTextAsync(await RuleTextAsync("media-restriction/name", RestrictedText));
        Assert.DoesNotContain("Hopper", await notice.InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableApiHoldsThePostForReview()
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        await fixture.WpToolAsync("set-option", "kusd_moderation_api_url", "http://127.0.0.1:9");
        try
        {
            using var wp = fixture.WordPress("editor");
            using var response = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title = "Bake sale", content = "The bake sale starts at noon in the gym.", status = "publish" });

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var post = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("pending", post.GetProperty("status").GetString());
        }
        finally
        {
            await fixture.WpToolAsync("set-option", "kusd_moderation_api_url", fixture.ApiAddress.ToString().TrimEnd('/'));
        }
    }

    [Fact]
    public async Task WithBlockChosenAnUnreachableApiRefusesToPublishWithAReadableError()
    {
        await fixture.WpToolAsync("set-option", "kusd_moderation_api_url", "http://127.0.0.1:9");
        await fixture.WpToolAsync("set-option", "kusd_moderation_on_unreachable", "block");
        try
        {
            using var wp = fixture.WordPress("editor");
            using var response = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title = "Bake sale (blocked)", content = "The bake sale starts at noon in the gym.", status = "publish" });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("kusd_moderation_unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        finally
        {
            await fixture.WpToolAsync("set-option", "kusd_moderation_on_unreachable", "review");
            await fixture.WpToolAsync("set-option", "kusd_moderation_api_url", fixture.ApiAddress.ToString().TrimEnd('/'));
        }
    }

    [Fact]
    public async Task AnApiThatNeverAnswersIsGivenUpOnAfterTheTimeoutAndThePostIsHeldForReview()
    {
        // A listener that accepts connections and never answers: the worst case for a hanging editor.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<System.Net.Sockets.Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync());
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // Stopped at the end of the test.
            }
        });
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await fixture.WpToolAsync("set-option", "kusd_moderation_api_url", $"http://127.0.0.1:{port}");
        await fixture.WpToolAsync("set-option", "kusd_moderation_timeout", "3");
        try
        {
            using var wp = fixture.WordPress("editor");
            var clock = Stopwatch.StartNew();
            using var response = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title = "Choir concert", content = "The choir sings on Friday at seven.", status = "publish" });
            clock.Stop();

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("pending", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
            Assert.NotEmpty(accepted);
            Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 30);
        }
        finally
        {
            await fixture.WpToolAsync("set-option", "kusd_moderation_timeout", "60");
            await fixture.WpToolAsync("set-option", "kusd_moderation_api_url", fixture.ApiAddress.ToString().TrimEnd('/'));
            silent.Stop();
            await accepting;
            accepted.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task UploadingAPhotoWithARestrictedFaceStoresTheBlurredCopyAndFindingsWithoutNames()
    {
        using var wp = fixture.WordPress("editor");
        var original = WordPressFixture.Photo("grace_hopper_512x512.jpg");

        var (id, stored) = await UploadAsync(wp, "assembly.jpg", "image/jpeg", original);

        Assert.NotEqual(original, stored);
        using var api = fixture.Api(fixture.CheckKey);
        var recheck = await CheckImageAsync(api, stored);
        Assert.DoesNotContain(recheck.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "media-restriction/face" && f.GetProperty("severity").GetString() == "error");

        var meta = await fixture.WpToolAsync("post-meta", id.ToString(CultureInfo.InvariantCulture), "_kusd_moderation");
        var record = Assert.Single(JsonDocument.Parse(meta).RootElement.EnumerateArray());
        Assert.True(record.GetProperty("sanitized").GetBoolean());
        Assert.Contains(record.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "media-restriction/face");
        foreach (var secret in new[] { "Grace", "Hopper", "S1003" })
        {
            Assert.DoesNotContain(secret, meta, StringComparison.OrdinalIgnoreCase);
        }

        // A photo without a restricted face is stored as uploaded.
        var glacier = WordPressFixture.Photo("640px-IceBlockNearJoekullsarlon.jpg");
        var (glacierId, glacierStored) = await UploadAsync(wp, "glacier.jpg", "image/jpeg", glacier);
        Assert.Equal(glacier, glacierStored);
        var glacierMeta = JsonDocument.Parse(await fixture.WpToolAsync("post-meta", glacierId.ToString(CultureInfo.InvariantCulture), "_kusd_moderation")).RootElement;
        Assert.False(Assert.Single(glacierMeta.EnumerateArray()).GetProperty("sanitized").GetBoolean());
    }

    [Fact]
    public async Task WithRefuseChosenAPhotoWithARestrictedFaceIsNotUploaded()
    {
        await fixture.WpToolAsync("set-option", "kusd_moderation_restricted_face", "refuse");
        try
        {
            using var wp = fixture.WordPress("editor");
            using var content = new ByteArrayContent(WordPressFixture.Photo("grace_hopper_512x512.jpg"));
            content.Headers.ContentType = new("image/jpeg");
            content.Headers.ContentDisposition = new("attachment") { FileName = "refused.jpg" };
            using var response = await wp.PostAsync("/wp-json/wp/v2/media", content);

            Assert.False(response.IsSuccessStatusCode);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("media restriction", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Hopper", error.ToString(), StringComparison.Ordinal);
            var found = await wp.GetFromJsonAsync<JsonElement>("/wp-json/wp/v2/media?search=refused");
            Assert.Empty(found.EnumerateArray());
        }
        finally
        {
            await fixture.WpToolAsync("set-option", "kusd_moderation_restricted_face", "sanitize");
        }
    }

    [Fact]
    public async Task PublishingAPostWithThreePhotosIsTimedWithThePluginOnAndOff()
    {
        using var wp = fixture.WordPress("admin");
        var images = new List<(int Id, string Url)>();
        foreach (var (name, type) in new[] { ("640px-IceBlockNearJoekullsarlon.jpg", "image/jpeg"), ("chelsea.png", "image/png"), ("coffee.png", "image/png") })
        {
            var (id, _) = await UploadAsync(wp, "timing-" + name, type, WordPressFixture.Photo(name));
            var media = await wp.GetFromJsonAsync<JsonElement>($"/wp-json/wp/v2/media/{id}");
            images.Add((id, media.GetProperty("source_url").GetString()!));
        }

        var content = string.Concat(images.Select(i =>
            $"<!-- wp:image {{\"id\":{i.Id}}} -->\n<figure class=\"wp-block-image\"><img src=\"{i.Url}\" alt=\"\" class=\"wp-image-{i.Id}\"/></figure>\n<!-- /wp:image -->\n\n"))
            + "<!-- wp:paragraph -->\n<p>Photos from the science fair at the museum.</p>\n<!-- /wp:paragraph -->";

        // One unmeasured publish warms the API's models and PHP's opcode cache.
        await PublishTimedAsync(wp, content, "warm-up");
        var on = new List<double>();
        var off = new List<double>();
        const int Rounds = 3;
        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                on.Add(await PublishTimedAsync(wp, content, $"on {round}"));
                await fixture.WpToolAsync("deactivate");
                off.Add(await PublishTimedAsync(wp, content, $"off {round}"));
                await fixture.WpToolAsync("activate");
            }
        }
        finally
        {
            await fixture.WpToolAsync("activate");
        }

        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var report = string.Create(
            CultureInfo.InvariantCulture,
            $"Publishing a post with three photos (REST, median of {Rounds}): plugin on {Median(on):F0} ms, off {Median(off):F0} ms, ratio {Median(on) / Median(off):F1}x, the check adds {Median(on) - Median(off):F0} ms. On: {string.Join(", ", on.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}; off: {string.Join(", ", off.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}.");
        output.WriteLine(report);
        Directory.CreateDirectory(Path.Combine(WordPressFixture.RepoRoot, "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(WordPressFixture.RepoRoot, "artifacts", "wordpress-publish-timing.txt"), report + "\n");
        Assert.True(Median(on) > Median(off), report);

        // The measured check really sent the three photos with the text.
        var verdict = JsonDocument.Parse(await fixture.WpToolAsync("post-meta", _lastPublished.ToString(CultureInfo.InvariantCulture), "_kusd_moderation_verdict")).RootElement;
        var checkId = Assert.Single(verdict.EnumerateArray()).GetProperty("checkId").GetString();
        using var api = fixture.Api(fixture.CheckKey);
        var record = await api.GetFromJsonAsync<JsonElement>($"/v1/checks/{checkId}");
        var hashed = record.GetProperty("contentSha256").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["content", "images[0]", "images[1]", "images[2]", "title"], hashed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UnchangedContentIsCheckedOnceWhateverPostCarriesIt()
    {
        using var wp = fixture.WordPress("editor");
        var title = "Library hours " + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title, content = "The library opens at 8 on Mondays.", status = "publish" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var post = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("publish", post.GetProperty("status").GetString());
            ids.Add(post.GetProperty("id").GetInt32());
        }

        var checkIds = new List<string?>();
        foreach (var id in ids)
        {
            var verdict = JsonDocument.Parse(await fixture.WpToolAsync("post-meta", id.ToString(CultureInfo.InvariantCulture), "_kusd_moderation_verdict")).RootElement;
            checkIds.Add(Assert.Single(verdict.EnumerateArray()).GetProperty("checkId").GetString());
        }

        Assert.StartsWith("chk_", checkIds[0], StringComparison.Ordinal);
        Assert.Equal(checkIds[0], checkIds[1]);
    }

    [Fact]
    public async Task TheSettingsPageTestsTheConnectionAndNeverShowsTheKeyInFull()
    {
        var page = await fixture.SignedInPageAsync("admin");
        await page.GotoAsync(new Uri(fixture.WordPressAddress, "/wp-admin/options-general.php?page=kusd-moderation").ToString());

        var html = await page.ContentAsync();
        Assert.DoesNotContain(fixture.CheckKey, html, StringComparison.Ordinal);
        Assert.Contains(fixture.CheckKey[^4..], html, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await page.Locator("#kusd-moderation-key").InputValueAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kusd-moderation-test-result")).ToContainTextAsync("Connected");
        await page.ScreenshotAsync(new() { Path = WordPressFixture.ScreenshotPath("4-settings"), FullPage = true });

        // Saving the form with the key field left empty keeps the stored key.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Changes" }).ClickAsync();
        await page.GotoAsync(new Uri(fixture.WordPressAddress, "/wp-admin/options-general.php?page=kusd-moderation").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kusd-moderation-test-result")).ToContainTextAsync("Connected");

        // An editor cannot open the page.
        var editor = await fixture.SignedInPageAsync("editor");
        var response = await editor.GotoAsync(new Uri(fixture.WordPressAddress, "/wp-admin/options-general.php?page=kusd-moderation").ToString());
        Assert.Equal(403, response!.Status);
    }

    private async Task<double> PublishTimedAsync(HttpClient wp, string content, string label)
    {
        // A new title each time: a new content hash, so the plugin really asks the API.
        using var draft = await wp.PostAsJsonAsync("/wp-json/wp/v2/posts", new { title = "Science fair " + label + " " + Guid.NewGuid().ToString("N")[..6], content, status = "draft" });
        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        var id = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        _lastPublished = label.StartsWith("on", StringComparison.Ordinal) ? id : _lastPublished;
        var clock = Stopwatch.StartNew();
        using var publish = await wp.PostAsJsonAsync($"/wp-json/wp/v2/posts/{id}", new { status = "publish" });
        clock.Stop();
        Assert.True(publish.IsSuccessStatusCode || publish.StatusCode == HttpStatusCode.UnprocessableEntity, await publish.Content.ReadAsStringAsync());
        output.WriteLine($"{label}: {(int)publish.StatusCode} in {clock.Elapsed.TotalMilliseconds:F0} ms");
        return clock.Elapsed.TotalMilliseconds;
    }

    private async Task<(int Id, byte[] Stored)> UploadAsync(HttpClient wp, string name, string type, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(type);
        content.Headers.ContentDisposition = new("attachment") { FileName = name };
        using var response = await wp.PostAsync("/wp-json/wp/v2/media", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var path = (await fixture.WpToolAsync("attachment-file", id.ToString(CultureInfo.InvariantCulture))).Trim();
        return (id, await File.ReadAllBytesAsync(path));
    }

    private static async Task<JsonElement> CheckImageAsync(HttpClient api, byte[] image)
    {
        using var response = await api.PostAsJsonAsync("/v1/checks", new { images = new[] { new { name = "stored.jpg", data = Convert.ToBase64String(image) } } });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The text the panel must show for a rule: the catalog's title (GET /v1/rules), else the finding's own message.</summary>
    private async Task<string> RuleTextAsync(string ruleId, string text)
    {
        using var api = fixture.Api(fixture.CheckKey);
        using var rules = await api.GetAsync("/v1/rules");
        if (rules.IsSuccessStatusCode)
        {
            var catalog = await rules.Content.ReadFromJsonAsync<JsonElement>();
            return catalog.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == ruleId).GetProperty("title").GetString()!;
        }

        using var check = await api.PostAsJsonAsync("/v1/checks", new { fields = new[] { new { name = "content", text, format = "plain" } } });
        var verdict = await check.Content.ReadFromJsonAsync<JsonElement>();
        return verdict.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("ruleId").GetString() == ruleId).GetProperty("message").GetString()!;
    }

    private async Task<IPage> NewPostAsync(string login, string title, string text)
    {
        var page = await fixture.SignedInPageAsync(login);
        await page.GotoAsync(new Uri(fixture.WordPressAddress, "/wp-admin/post-new.php").ToString());
        await page.WaitForFunctionAsync("() => window.wp && wp.data && wp.data.select('core/editor').getCurrentPostId() > 0 && !!document.querySelector('.editor-post-title__input')");
        if (await page.Locator(".edit-post-welcome-guide").IsVisibleAsync())
        {
            await page.Keyboard.PressAsync("Escape");
        }

        await page.Locator(".editor-post-title__input").FillAsync(title);
        await page.EvaluateAsync("text => wp.data.dispatch('core/block-editor').insertBlocks(wp.blocks.createBlock('core/paragraph', { content: text }))", text);
        return page;
    }

    private static async Task OpenPrePublishPanelAsync(IPage page)
    {
        await page.Locator(".editor-post-publish-panel__toggle").ClickAsync();
        await Assertions.Expect(page.Locator(".kusd-moderation-panel")).ToBeVisibleAsync();
    }

    private static ILocator PublishButton(IPage page) => page.Locator(".editor-post-publish-panel__header-publish-button .editor-post-publish-button");

    private static Task ExpectDecisionAsync(IPage page, string decision) =>
        Assertions.Expect(page.Locator(".kusd-moderation-decision")).ToHaveAttributeAsync("data-decision", decision, new() { Timeout = (float)CheckTimeout.TotalMilliseconds });

    private static Task<int> PostIdAsync(IPage page) => page.EvaluateAsync<int>("wp.data.select('core/editor').getCurrentPostId()");

    private static async Task<JsonElement> GetPostAsync(HttpClient wp, int id) =>
        await wp.GetFromJsonAsync<JsonElement>($"/wp-json/wp/v2/posts/{id}?context=edit");
}
