namespace Kusd.Moderation.Cli.Tests;

/// <summary>Findings that only a roster makes possible: the CLI must load <c>--roster</c> into the engine.</summary>
public sealed class RosterFindingTests : IDisposable
{
    private const string Roster = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu
        S1002,student,Liam,Nowak,,04,true,
        T2002,staff,Daniel,Nowak,,,false,dnowak@kusd.edu
        """;

    private const string Post = "# Second grade news\n\nGreat work, Emma Kowalski! Thanks to Mr. Nowak for the snacks.\n";

    private readonly FixtureFolder _folder = new();

    public RosterFindingTests() => _folder.Write("roster.csv", Roster + "\n");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ElementaryStudentsFullNameIsReportedAtItsLineAndColumn()
    {
        _folder.Write("news.md", Post);

        var result = await _folder.RunAsync("check", "news.md", "--roster", "roster.csv");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        var line = Assert.Single(result.StdoutLines);
        Assert.StartsWith("news.md(3,13): error student-name/elementary: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Kowalski", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutARosterTheSameNameIsNotKnownToBeAStudent()
    {
        _folder.Write("news.md", Post);

        var result = await _folder.RunAsync("check", "news.md");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
    }

    [Fact]
    public async Task JsonCarriesTheEvidenceAndTheFixForTheFilesOwner()
    {
        _folder.Write("news.md", Post);

        var result = await _folder.RunAsync("check", "news.md", "--roster", "roster.csv", "--format", "json");

        using var json = result.Json();
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal("approvedWithChanges", file.GetProperty("decision").GetString());
        var finding = Assert.Single(file.GetProperty("findings").EnumerateArray());
        Assert.Equal("Emma Kowalski", finding.GetProperty("evidence").GetString());
        Assert.Equal("Emma K.", finding.GetProperty("fix").GetProperty("replacement").GetString());
        Assert.Equal(3, finding.GetProperty("line").GetInt32());
        Assert.Equal(13, finding.GetProperty("column").GetInt32());
    }

    [Fact]
    public async Task FixShortensTheNameInPlaceAndASecondRunChangesNothing()
    {
        _folder.Write("news.md", Post);

        var first = await _folder.RunAsync("check", "news.md", "--roster", "roster.csv", "--fix");
        var afterFirst = _folder.Read("news.md");
        var second = await _folder.RunAsync("check", "news.md", "--roster", "roster.csv", "--fix");

        Assert.Equal(ExitCodes.Clean, first.ExitCode);
        Assert.Equal(Post.Replace("Emma Kowalski", "Emma K.", StringComparison.Ordinal), afterFirst);
        Assert.Equal(ExitCodes.Clean, second.ExitCode);
        Assert.Equal(afterFirst, _folder.Read("news.md"));
        Assert.Contains("news.md: fixed 1 finding", first.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("news.md: fixed", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestrictedStudentsNameGetsNoFixAndStaysRejected()
    {
        _folder.Write("winners.md", "Field day winners:\n- Liam Nowak\n");

        var result = await _folder.RunAsync("check", "winners.md", "--roster", "roster.csv", "--fix", "--format", "json");

        // A restricted student may not be named in any form: no shortened "Liam N." is offered, a person must act.
        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.Equal("Field day winners:\n- Liam Nowak\n", _folder.Read("winners.md"));
        using var json = result.Json();
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal("rejected", file.GetProperty("decision").GetString());
        var finding = Assert.Single(file.GetProperty("findings").EnumerateArray());
        Assert.Equal("media-restriction/name", finding.GetProperty("ruleId").GetString());
        Assert.Equal((2, 3), (finding.GetProperty("line").GetInt32(), finding.GetProperty("column").GetInt32()));
    }
}
