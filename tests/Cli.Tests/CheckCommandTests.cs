using System.Text.Json;

namespace Kusd.Moderation.Cli.Tests;

public sealed class CheckCommandTests : IDisposable
{
    private const string CleanPost = "Lunch menu for the week: Monday, chicken tacos; Tuesday, pasta bar.\n";

    private readonly FixtureFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CleanFileExitsZeroAndPrintsNoFindings()
    {
        _folder.Write("menu.txt", CleanPost);

        var result = await _folder.RunAsync("check", "menu.txt");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        Assert.Empty(result.StdoutLines);
        Assert.Contains("1 file checked", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFileIsApproved()
    {
        _folder.Write("empty.md", string.Empty);

        var result = await _folder.RunAsync("check", "empty.md", "--format", "json");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        using var json = result.Json();
        var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("empty.md", file.GetProperty("path").GetString());
        Assert.Equal("approved", file.GetProperty("decision").GetString());
        Assert.Equal(0, file.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task PathThatDoesNotExistIsAToolErrorNamingThePath()
    {
        _folder.Write("menu.txt", CleanPost);

        var result = await _folder.RunAsync("check", "menu.txt", "posts/missing.md");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains("posts/missing.md", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("check", "--bogus")]
    [InlineData("check", "--format", "xml")]
    [InlineData("check", "--max-file-size", "ten")]
    [InlineData("chekc")]
    public async Task BadCommandLinesAreUsageErrorsWithAMessageOnStderr(params string[] args)
    {
        _folder.Write("menu.txt", CleanPost);

        var result = await _folder.RunAsync(args);

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.NotEmpty(result.StderrLines);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task FoldersAreSearchedRecursivelySkippingHiddenAndBuildFolders()
    {
        _folder.Write("site/index.html", "<p>Welcome</p>");
        _folder.Write("site/news/week1.md", "# Week 1");
        _folder.Write("site/news/notes.TXT", "notes");
        _folder.Write("site/about.markdown", "About us");
        _folder.Write("site/old.htm", "<p>Old</p>");
        _folder.Write("site/logo.svg", "<svg/>");
        _folder.Write("site/.git/HEAD.md", "x");
        _folder.Write("site/node_modules/pkg/readme.md", "x");
        _folder.Write("site/bin/out.md", "x");
        _folder.Write("site/obj/out.md", "x");

        var result = await _folder.RunAsync("check", "site", "--format", "json");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        using var json = result.Json();
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToArray();
        Assert.Equal<string>(["site/about.markdown", "site/index.html", "site/news/notes.TXT", "site/news/week1.md", "site/old.htm"], paths);
    }

    [Fact]
    public async Task DefaultPathIsTheWorkingDirectory()
    {
        _folder.Write("a.md", "A");
        _folder.Write("docs/b.txt", "B");

        var result = await _folder.RunAsync("check", "--format", "json");

        using var json = result.Json();
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToArray();
        Assert.Equal<string>(["a.md", "docs/b.txt"], paths);
    }

    [Fact]
    public async Task InvalidUtf8IsWarnedWithItsByteOffsetAndTheRestIsStillChecked()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "Hello "u8.ToArray(), 0xC3, 0x28, .. " world\n"u8.ToArray()];
        _folder.WriteBytes("broken.txt", bytes);

        var result = await _folder.RunAsync("check", "broken.txt", "--format", "json");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        var warning = Assert.Single(result.StderrLines, l => l.StartsWith("broken.txt: warning:", StringComparison.Ordinal));
        Assert.Contains("invalid UTF-8 at byte offset 9", warning, StringComparison.Ordinal);
        using var json = result.Json();
        var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("approved", file.GetProperty("decision").GetString());
        Assert.Single(file.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task FileOverTheSizeLimitIsAToolErrorWhileOtherFilesAreStillChecked()
    {
        _folder.Write("posts/big.md", new string('x', 2048));
        _folder.Write("posts/small.md", "small");

        var result = await _folder.RunAsync("check", "posts", "--max-file-size", "1KB", "--format", "json");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains(result.StderrLines, l => l.StartsWith("posts/big.md: error:", StringComparison.Ordinal) && l.Contains("1024", StringComparison.Ordinal));
        using var json = result.Json();
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToArray();
        Assert.False(files[0].TryGetProperty("decision", out _));
        Assert.Contains("--max-file-size", files[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("approved", files[1].GetProperty("decision").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("toolErrors").GetInt32());
    }

    [Fact]
    public async Task JsonReportHasFilesAndASummaryOfEveryDecision()
    {
        _folder.Write("a.md", CleanPost);
        _folder.Write("b.html", "<p>Hello</p>");

        var result = await _folder.RunAsync("check", "a.md", "b.html", "--format", "json");

        using var json = result.Json();
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("files").GetArrayLength());
        var summary = root.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("files").GetInt32());
        Assert.Equal(
            ["approved", "approvedWithChanges", "needsReview", "rejected"],
            summary.GetProperty("decisions").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(2, summary.GetProperty("decisions").GetProperty("approved").GetInt32());
        Assert.Equal(["error", "warning", "note"], summary.GetProperty("findings").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(ExitCodes.Clean, summary.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task OutputOptionWritesTheReportToAFileInsteadOfStdout()
    {
        _folder.Write("a.md", CleanPost);

        var result = await _folder.RunAsync("check", "a.md", "--format", "json", "--output", "report.json");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        Assert.Empty(result.Stdout);
        using var json = JsonDocument.Parse(_folder.Read("report.json"));
        Assert.Equal("a.md", json.RootElement.GetProperty("files")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task FileWithAnExtensionTheToolDoesNotReadIsAToolErrorWhenNamedExplicitly()
    {
        _folder.Write("photo.psd", "not text");

        var result = await _folder.RunAsync("check", "photo.psd");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains("photo.psd", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RosterWithABadRowIsAToolErrorThatNamesTheRowButNotThePerson()
    {
        _folder.Write("roster.csv", "id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails\nS1001,student,Zebediah,Quinterro,,13,false,\n");
        _folder.Write("a.md", CleanPost);

        var result = await _folder.RunAsync("check", "a.md", "--roster", "roster.csv");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains(result.StderrLines, l => l.StartsWith("roster.csv: error:", StringComparison.Ordinal));
        Assert.DoesNotContain("Zebediah", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Quinterro", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRosterFileIsAToolError()
    {
        _folder.Write("a.md", CleanPost);

        var result = await _folder.RunAsync("check", "a.md", "--roster", "nope.csv");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains("nope.csv", result.Stderr, StringComparison.Ordinal);
    }
}
