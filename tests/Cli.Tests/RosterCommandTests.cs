using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Cli.Tests;

/// <summary><c>roster import|enroll|status</c> and <c>check --db</c> on images, with the real face models.</summary>
public sealed class RosterCommandTests : IDisposable
{
    private const string Roster = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,
        S1002,student,Grace,Hopper,,10,true,
        S1003,student,Liam,Nowak,,04,true,
        T2002,staff,Daniel,Nowak,,,false,dnowak@kusd.edu
        """;

    private readonly FixtureFolder _folder = new();

    public RosterCommandTests() => _folder.Write("roster.csv", Roster + "\n");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ImportPrintsCountsAndTheRestrictedPeopleWhoHaveNoTemplate()
    {
        var result = await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db");

        Assert.Equal(ExitCodes.Clean, result.ExitCode);
        Assert.Contains("Imported 4 people (3 students, 1 staff, 2 with a media restriction)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("S1002, S1003", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Hopper", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportWithBadRowsNamesEveryLineAndKeepsTheRosterThatWasThere()
    {
        await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db");
        _folder.Write("bad.csv", """
            id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
            S1,student,Ann,Lee,,02,false,
            S2,student,Bo,Kim,,fourteen,false,
            S3,pupil,Cy,Day,,03,maybe,
            """ + "\n");

        var result = await _folder.RunAsync("roster", "import", "bad.csv", "--db", "roster.db");
        var status = await _folder.RunAsync("roster", "status", "--db", "roster.db");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains("bad.csv(3): error:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("bad.csv(4): error:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", result.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("4 people:", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollingSomeoneWhoIsNotOnTheRosterIsAnError()
    {
        await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db");
        _folder.WriteBytes("me.jpg", TestPhotos.Read(TestPhotos.GraceHopper));

        var result = await _folder.RunAsync("roster", "enroll", "S9999", "me.jpg", "--db", "roster.db");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Contains("S9999: no person with this id is on the roster", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollmentPhotosWithSeveralFacesOrNoFaceAreRefusedAndNothingIsStored()
    {
        await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db");
        _folder.WriteBytes("group.jpg", TestPhotos.Read(TestPhotos.Group));
        _folder.WriteBytes("ice.jpg", TestPhotos.Read(TestPhotos.NoFace));
        _folder.Write("notes.jpg", "not an image");

        var result = await _folder.RunAsync("roster", "enroll", "S1003", "group.jpg", "ice.jpg", "notes.jpg", "--db", "roster.db");
        var status = await _folder.RunAsync("roster", "status", "--db", "roster.db");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        Assert.Matches(@"group\.jpg: error: This photo shows \d+ faces", result.Stderr);
        Assert.Contains("ice.jpg: error: No face was found", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("notes.jpg: error:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("0 face template(s)", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResizedCopyOfAnEnrolledRestrictedStudentsPhotoFailsTheCheckWithItsRegion()
    {
        await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db");
        _folder.WriteBytes("enrol/grace.jpg", TestPhotos.Read(TestPhotos.GraceHopper));
        var enrolled = await _folder.RunAsync("roster", "enroll", "S1002", "enrol/grace.jpg", "--db", "roster.db");
        Assert.Equal(ExitCodes.Clean, enrolled.ExitCode);
        _folder.WriteBytes("site/img/team.jpg", ResizedCopy(TestPhotos.Read(TestPhotos.GraceHopper), 0.7));
        _folder.WriteBytes("site/img/astronaut.png", TestPhotos.Read(TestPhotos.Astronaut));

        var status = await _folder.RunAsync("roster", "status", "--db", "roster.db");
        var result = await _folder.RunAsync("check", "site", "--db", "roster.db");
        var json = await _folder.RunAsync("check", "site", "--db", "roster.db", "--format", "json");

        Assert.Contains("1 face template(s)", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Enrol at least 3 photos", enrolled.Stdout, StringComparison.Ordinal);
        var unprotected = Assert.Single(status.StdoutLines, l => l.Contains("have no face template (", StringComparison.Ordinal));
        Assert.Contains("S1003", unprotected, StringComparison.Ordinal);
        Assert.DoesNotContain("S1002", unprotected, StringComparison.Ordinal);
        Assert.EndsWith("fewer than 3 face templates (enrol more photos): S1002", Assert.Single(status.StdoutLines, l => l.Contains("fewer than 3", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        var line = Assert.Single(result.StdoutLines, l => l.Contains(RuleIds.MediaRestrictionFace, StringComparison.Ordinal));
        Assert.Matches(@"^site/img/team\.jpg: error media-restriction/face: .* \(region \d+,\d+,\d+,\d+\)$", line);
        Assert.DoesNotContain(result.StdoutLines, l => l.StartsWith("site/img/astronaut.png", StringComparison.Ordinal) && l.Contains(RuleIds.MediaRestrictionFace, StringComparison.Ordinal));
        Assert.DoesNotContain("S1002", result.Stdout + result.Stderr, StringComparison.Ordinal);

        using var document = json.Json();
        var files = document.RootElement.GetProperty("files").EnumerateArray().ToList();
        var team = files.Single(f => f.GetProperty("path").GetString() == "site/img/team.jpg");
        var finding = team.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == RuleIds.MediaRestrictionFace);
        Assert.True(finding.GetProperty("region").GetProperty("width").GetInt32() > 50);
        Assert.Equal("rejected", team.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task FixBlursARestrictedFaceInPlaceAndASecondRunChangesNothing()
    {
        await _folder.RunAsync("roster", "import", "roster.csv", "--db", "roster.db");
        _folder.WriteBytes("enrol/grace.jpg", TestPhotos.Read(TestPhotos.GraceHopper));
        await _folder.RunAsync("roster", "enroll", "S1002", "enrol/grace.jpg", "--db", "roster.db");
        var original = ResizedCopy(TestPhotos.Read(TestPhotos.GraceHopper), 0.8);
        var path = _folder.WriteBytes("site/team.jpg", original);

        var fixedRun = await _folder.RunAsync("check", "site", "--db", "roster.db", "--fix");
        var afterFirst = File.ReadAllBytes(path);
        var secondRun = await _folder.RunAsync("check", "site", "--db", "roster.db", "--fix");

        Assert.DoesNotContain(fixedRun.StdoutLines, l => l.Contains(RuleIds.MediaRestrictionFace, StringComparison.Ordinal));
        Assert.NotEqual(original, afterFirst);
        Assert.Equal(afterFirst, File.ReadAllBytes(path));
        Assert.DoesNotContain(secondRun.StdoutLines, l => l.Contains(RuleIds.MediaRestrictionFace, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CorruptImagesAreAFindingOnEachFileNotAToolError()
    {
        _folder.Write("site/logo.png", "<svg>not a png</svg>");
        _folder.WriteBytes("site/cut.jpg", TestPhotos.Read(TestPhotos.GraceHopper)[..4000]);
        _folder.Write("site/post.md", "# Hello\n");

        var result = await _folder.RunAsync("check", "site", "--format", "json");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        using var json = result.Json();
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        foreach (var corrupt in new[] { "site/logo.png", "site/cut.jpg" })
        {
            var finding = Assert.Single(files[corrupt].GetProperty("findings").EnumerateArray());
            Assert.Equal(RuleIds.CheckUnavailable, finding.GetProperty("ruleId").GetString());
            Assert.Equal("needsReview", files[corrupt].GetProperty("decision").GetString());
        }

        Assert.Empty(files["site/post.md"].GetProperty("findings").EnumerateArray());
    }

    private static byte[] ResizedCopy(byte[] photo, double scale)
    {
        using var image = Image.Load(photo);
        image.Mutate(x => x.Resize((int)(image.Width * scale), (int)(image.Height * scale)));
        using var output = new MemoryStream();
        image.Save(output, new JpegEncoder { Quality = 80 });
        return output.ToArray();
    }
}
