namespace Kusd.Moderation.Cli.Tests;

/// <summary>Reports of real findings: these run the district's rules, so a post here must really break one.</summary>
public sealed class FindingReportTests : IDisposable
{
    private const string StudentAddress = "ekowalski27@students.kusd.edu";

    private readonly FixtureFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task StudentEmailInMarkdownIsReportedAtItsLineAndColumn(string newline)
    {
        _folder.Write("posts/news.md", string.Join(newline, "# Second grade news", string.Empty, $"Questions? Write to {StudentAddress} today.", string.Empty));

        var result = await _folder.RunAsync("check", "posts");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        var line = Assert.Single(result.StdoutLines);
        // The finding covers what its fix removes: "Write to <address> today." from column 11.
        Assert.StartsWith("posts/news.md(3,11): error email/student: ", line, StringComparison.Ordinal);
        Assert.Contains("1 error", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextReportNeverPrintsTheEvidence()
    {
        _folder.Write("news.md", $"Write to {StudentAddress}.");

        var result = await _folder.RunAsync("check", "news.md");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.DoesNotContain(StudentAddress, result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StudentEmailInHtmlIsReportedAtItsPositionInTheMarkup()
    {
        _folder.Write("page.html", $"<article>\n  <p>Contact <b>{StudentAddress}</b> for photos.</p>\n</article>\n");

        var result = await _folder.RunAsync("check", "page.html", "--format", "json");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        using var json = result.Json();
        var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("page.html", file.GetProperty("path").GetString());
        Assert.Equal("approvedWithChanges", file.GetProperty("decision").GetString());
        var finding = Assert.Single(file.GetProperty("findings").EnumerateArray());
        Assert.Equal("email/student", finding.GetProperty("ruleId").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal(2, finding.GetProperty("line").GetInt32());
        Assert.Equal(17, finding.GetProperty("column").GetInt32());
        Assert.Equal(StudentAddress, finding.GetProperty("evidence").GetString());
        Assert.Equal(26, finding.GetProperty("span").GetProperty("start").GetInt32());
        Assert.Equal("body", finding.GetProperty("target").GetProperty("field").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("findings").GetProperty("error").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("decisions").GetProperty("approvedWithChanges").GetInt32());
    }

    [Fact]
    public async Task FilesAreReportedInInputOrderWhateverFinishesFirst()
    {
        for (var i = 0; i < 20; i++)
        {
            _folder.Write($"posts/{i:00}.md", i % 3 == 0 ? $"Write to {StudentAddress}." : "Nothing to see.");
        }

        var result = await _folder.RunAsync("check", "posts");

        Assert.Equal(
            Enumerable.Range(0, 20).Where(i => i % 3 == 0).Select(i => $"posts/{i:00}.md(1,1)").ToArray(),
            result.StdoutLines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToArray());
    }

    [Fact]
    public async Task FixRemovesTheAddressInPlaceAndASecondRunChangesNothing()
    {
        _folder.Write("news.md", $"# News\r\n\r\nWrite to {StudentAddress} today.\r\n");

        var first = await _folder.RunAsync("check", "news.md", "--fix");
        var afterFirst = _folder.Read("news.md");
        var second = await _folder.RunAsync("check", "news.md", "--fix", "--format", "json");

        Assert.Equal(ExitCodes.Clean, first.ExitCode);
        Assert.Contains("news.md: fixed 1 finding", first.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(StudentAddress, afterFirst, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("# News\r\n\r\n", afterFirst, StringComparison.Ordinal);
        Assert.DoesNotContain("Write to", afterFirst, StringComparison.Ordinal); // the sentence that gave the address goes with it
        Assert.Equal(ExitCodes.Clean, second.ExitCode);
        Assert.Equal(afterFirst, _folder.Read("news.md"));
        using var json = second.Json();
        Assert.Equal(0, json.RootElement.GetProperty("files")[0].GetProperty("fixes").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("summary").GetProperty("fixedFiles").GetInt32());
    }

    [Fact]
    public async Task WithoutFixTheFileIsLeftAlone()
    {
        var original = $"Write to {StudentAddress} today.";
        _folder.Write("news.md", original);

        var result = await _folder.RunAsync("check", "news.md");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.Equal(original, _folder.Read("news.md"));
    }

    [Fact]
    public async Task FixKeepsTheByteOrderMark()
    {
        _folder.WriteBytes("news.txt", [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes($"Write to {StudentAddress} today.")]);

        var result = await _folder.RunAsync("check", "news.txt", "--fix");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        var bytes = File.ReadAllBytes(Path.Join(_folder.Root, "news.txt"));
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.DoesNotContain(StudentAddress, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FixLeavesAFileWithInvalidUtf8UntouchedAndSaysSo()
    {
        byte[] original = [.. System.Text.Encoding.UTF8.GetBytes($"Write to {StudentAddress} "), 0xFF, .. "today."u8.ToArray()];
        _folder.WriteBytes("news.txt", original);

        var result = await _folder.RunAsync("check", "news.txt", "--fix");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.Equal(original, File.ReadAllBytes(Path.Join(_folder.Root, "news.txt")));
        Assert.Contains(result.StderrLines, l => l.StartsWith("news.txt: warning: not fixed", StringComparison.Ordinal));
        Assert.StartsWith("news.txt(1,1): error email/student: ", Assert.Single(result.StdoutLines), StringComparison.Ordinal);
    }
}
