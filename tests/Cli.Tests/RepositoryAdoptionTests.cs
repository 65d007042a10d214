using System.Diagnostics;

namespace Kusd.Moderation.Cli.Tests;

/// <summary>What a content repository uses to adopt the check: config, inline suppression, baseline, changed files.</summary>
public sealed class RepositoryAdoptionTests : IDisposable
{
    private const string Roster = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,
        S1004,student,Noah,Fischer,,03,false,
        """;

    private readonly FixtureFolder _folder = new();

    public RepositoryAdoptionTests() => _folder.Write("roster.csv", Roster + "\n");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ConfigFoundAboveThePathExcludesFilesSwitchesRulesOffAndAllowsLinkHosts()
    {
        _folder.Write("site/.kusd-moderation.json", """
            {
              // drafts are not published
              "exclude": ["drafts/", "**/*.txt"],
              "allowedLinkHosts": ["pta-example.org"],
              "rules": { "student-name/elementary": "note" }
            }
            """);
        _folder.Write("site/posts/a.md", "Visit [our PTA](https://pta-example.org/events) and [shop](https://shop-example.com/).\n");
        _folder.Write("site/posts/b.md", "Great work, Emma Kowalski!\n");
        _folder.Write("site/drafts/c.md", "Great work, Emma Kowalski!\n");
        _folder.Write("site/notes.txt", "Great work, Emma Kowalski!\n");

        var result = await _folder.RunAsync("check", "site", "--roster", "roster.csv");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.DoesNotContain(result.StdoutLines, l => l.Contains("drafts", StringComparison.Ordinal) || l.Contains("notes.txt", StringComparison.Ordinal));
        var link = Assert.Single(result.StdoutLines, l => l.Contains(RuleIds.LinkExternal, StringComparison.Ordinal));
        Assert.StartsWith("site/posts/a.md(1,", link, StringComparison.Ordinal);
        Assert.Contains("site/posts/b.md(1,13): note student-name/elementary", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownRuleInTheConfigIsAUsageError()
    {
        _folder.Write(".kusd-moderation.json", """{ "rules": { "student-names": "off" } }""");
        _folder.Write("a.md", "Hello\n");

        var result = await _folder.RunAsync("check", ".");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains("unknown rule 'student-names'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIgnoreCommentSuppressesThatRuleOnTheNextLineOnly()
    {
        _folder.Write("a.md", "<!-- kusd-moderation-ignore student-name/elementary -->\nGreat work, Emma Kowalski!\n\nGreat work, Noah Fischer!\n");

        var result = await _folder.RunAsync("check", "a.md", "--roster", "roster.csv");

        var line = Assert.Single(result.StdoutLines);
        Assert.StartsWith("a.md(4,13): error student-name/elementary", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABaselineHidesTheOldFindingsAndReportsOnlyANewOne()
    {
        _folder.Write("posts/a.md", "Great work, Emma Kowalski!\n");
        _folder.Write("posts/b.md", "Hello\n");

        var adopt = await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--baseline", "baseline.json", "--update-baseline");
        var clean = await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--baseline", "baseline.json");
        _folder.Write("posts/a.md", "New intro line.\n\nGreat work, Emma Kowalski!\n");
        _folder.Write("posts/b.md", "Hello\n\nAnd Noah Fischer too.\n");
        var after = await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--baseline", "baseline.json");

        Assert.Equal(ExitCodes.Clean, adopt.ExitCode);
        Assert.DoesNotContain("Kowalski", _folder.Read("baseline.json"), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Clean, clean.ExitCode);
        Assert.Empty(clean.StdoutLines);
        Assert.Equal(ExitCodes.Findings, after.ExitCode);
        var line = Assert.Single(after.StdoutLines);
        Assert.StartsWith("posts/b.md(3,5): error student-name/elementary", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedSinceChecksOnlyFilesChangedAgainstTheRevision()
    {
        _folder.Write("old.md", "Great work, Emma Kowalski!\n");
        _folder.Write("edited.md", "Hello\n");
        Git("init", "-q");
        Git("add", ".");
        Git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "start");
        _folder.Write("edited.md", "Hello Noah Fischer\n");
        _folder.Write("added.md", "Bye Noah Fischer\n");

        var result = await _folder.RunAsync("check", ".", "--roster", "roster.csv", "--changed-since", "HEAD");
        var badRevision = await _folder.RunAsync("check", ".", "--changed-since", "no-such-rev");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.Equal(["added.md", "edited.md"], result.StdoutLines.Select(l => l[..l.IndexOf('(', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.Equal(ExitCodes.ToolError, badRevision.ExitCode);
    }

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _folder.Root, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
