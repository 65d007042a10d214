using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kusd.Moderation.Api;
using Kusd.Moderation.Api.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Kusd.Moderation.UploadForm.Tests;

/// <summary>The first run as a newcomer meets it: the built server from any folder, its data folder, and /docs offline.</summary>
[Collection(UploadFormCollection.Name)]
public class FirstRunTests(UploadFormFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task TheBuiltServerStartedFromAnotherFolderServesTheFormAndSaysWhereEverythingIs()
    {
        var dll = ApiDll();
        var elsewhere = Directory.CreateTempSubdirectory("kusd-elsewhere-").FullName;
        var data = Path.Combine(elsewhere, "data");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:DataDirectory", data])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var banner = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data.Contains("admin key:", StringComparison.Ordinal))
            {
                banner.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { lines.Add("stderr: " + e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await banner.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var page = await client.GetStringAsync("/");
            Assert.Contains("Check a post before you publish it", page, StringComparison.Ordinal);
            using var module = await client.GetAsync("/js/main.js");
            Assert.Equal(HttpStatusCode.OK, module.StatusCode);
            Assert.Contains("javascript", module.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            lock (lines)
            {
                output.WriteLine(string.Join('\n', lines));
                Assert.Contains(lines, l => l.Contains($"upload form:  http://127.0.0.1:{port}/", StringComparison.Ordinal));
                Assert.Contains(lines, l => l.Contains("data folder:  " + data, StringComparison.Ordinal));
                Assert.DoesNotContain(lines, l => l.Contains("WebRootPath", StringComparison.Ordinal));
            }

            Assert.True(File.Exists(Path.Combine(data, "admin-key.txt")));
            Assert.False(Directory.Exists(Path.Combine(elsewhere, "wwwroot")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task TheServerRefusesADataFolderInsideAGitWorkTreeUnlessAsked()
    {
        var inside = Path.Combine(UploadFormFixture.RepoRoot, "src", "ModerationApi", "data-" + Guid.NewGuid().ToString("N"));
        var refused = Assert.Throws<DataLocationException>(() => ModerationApp.Create(["--Storage:DataDirectory", inside]));
        Assert.Contains("inside the git work tree", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AllowDataInsideGitWorkTree", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(inside), "The refused data folder was created anyway.");

        // Asked for it: it starts, and the folder carries its own .gitignore, so git never offers to add it.
        try
        {
            await using var app = ModerationApp.Create(["--Storage:DataDirectory", inside, "--Storage:AllowDataInsideGitWorkTree", "true"]);
            File.WriteAllText(Path.Combine(inside, "admin-key.txt"), "secret");
            var git = Process.Start(new ProcessStartInfo("git", ["-C", UploadFormFixture.RepoRoot, "status", "--porcelain", "--untracked-files=all", "--", inside]) { RedirectStandardOutput = true })!;
            var status = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            Assert.Equal(0, git.ExitCode);
            Assert.Equal("", status.Trim());
        }
        finally
        {
            Directory.Delete(inside, recursive: true);
        }
    }

    [Fact]
    public void TheDefaultDataFolderIsOutsideTheSourceTreeWhereverTheServerStarts()
    {
        Assert.Null(DataLocation.FindGitWorkTree(DataLocation.Default));
        Assert.False(DataLocation.Default.StartsWith(UploadFormFixture.RepoRoot, StringComparison.Ordinal));
        Assert.EndsWith("kusd-moderation", DataLocation.Default, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApiDocsLoadNothingFromOtherHostsAndShowNoCloudButtons()
    {
        var page = await fixture.NewPageAsync();
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" && url.Authority != fixture.Address.Authority)
            {
                lock (elsewhere)
                {
                    elsewhere.Add(request.Url);
                }
            }
        };
        await page.GotoAsync(new Uri(fixture.Address, "/docs").ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Introduction" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1000);
        var text = await page.InnerTextAsync("body");
        Assert.DoesNotContain("Ask AI", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Generate SDK", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Deploy", text, StringComparison.Ordinal);
        lock (elsewhere)
        {
            Assert.True(elsewhere.Count == 0, "The docs page reached other hosts: " + string.Join(", ", elsewhere));
        }

        await page.ScreenshotAsync(new() { Path = UploadFormFixture.ScreenshotPath("15-api-docs"), FullPage = false });
    }

    private static string ApiDll()
    {
        // The API's own build output, as a deployment has it: this test runs from <artifacts>/bin/<project>/<configuration>,
        // the API builds to <artifacts>/bin/Kusd.Moderation.Api/<configuration>.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(output.Parent!.Parent!.FullName, "Kusd.Moderation.Api", output.Name, "Kusd.Moderation.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/ModerationApi first.", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
