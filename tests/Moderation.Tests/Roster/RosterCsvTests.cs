using System.IO.Compression;
using System.Text;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Tests.Rosters;

public sealed class RosterCsvTests
{
    private const string Header = "id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails";

    private static RosterImportResult Parse(string csv, ModerationOptions? options = null) =>
        RosterCsv.Parse(new StringReader(csv), options ?? new ModerationOptions());

    private static RosterImportResult ParseBytes(byte[] bytes, ModerationOptions? options = null, RosterImportOptions? importOptions = null)
    {
        using var stream = new MemoryStream(bytes);
        return RosterCsv.Parse(stream, options ?? new ModerationOptions(), importOptions);
    }

    [Fact]
    public void DistrictCsvImportsEveryColumn()
    {
        var result = Parse(Header + "\r\n" +
                           "S1001,student,Emma,Kowalski,Em,02,false,ekowalski27@students.kusd.edu; kowalski.family@example.com\r\n" +
                           "S1002,,Liam,Nowak,,4K,YES,\r\n" +
                           "T2001,staff,Karen,Mueller,,,0,kmueller@kusd.edu\r\n");

        Assert.True(result.Succeeded);
        Assert.Equal(RosterFormat.Kusd, result.Format);
        var people = result.Roster!.People;
        Assert.Equal(3, people.Count);
        Assert.Equal("Em", people[0].PreferredName);
        Assert.Equal(new Grade(2), people[0].Grade);
        Assert.Equal(["ekowalski27@students.kusd.edu", "kowalski.family@example.com"], people[0].Emails);
        Assert.Equal(PersonRole.Student, people[1].Role);
        Assert.Equal(Grade.PreKindergarten, people[1].Grade);
        Assert.True(people[1].MediaRestriction);
        Assert.True(people[1].IsElementaryStudent);
        Assert.Equal(PersonRole.Staff, people[2].Role);
        Assert.Null(people[2].Grade);
        Assert.False(people[2].MediaRestriction);
    }

    [Theory]
    [InlineData("PK", -1)]
    [InlineData("4k", -1)]
    [InlineData("KG", 0)]
    [InlineData("k", 0)]
    [InlineData("1", 1)]
    [InlineData("01", 1)]
    [InlineData("5", 5)]
    [InlineData("12", 12)]
    public void GradeCodesMapToLevels(string code, int level)
    {
        Assert.True(PersonRules.TryParseGrade(code, out var grade));
        Assert.Equal(level, grade.Level);
    }

    [Theory]
    [InlineData("13")]
    [InlineData("0")]
    [InlineData("001")]
    [InlineData("3K")]
    [InlineData("X")]
    [InlineData("-1")]
    public void OtherGradeCodesAreRejected(string code) => Assert.False(PersonRules.TryParseGrade(code, out _));

    [Fact]
    public void ColumnsMayComeInAnyOrderAndUnknownOnesAreIgnored()
    {
        var result = Parse("Emails,GRADE,familyName,homeroom,givenName,id\n" +
                           "a@example.com,KG,Kowalski,12B,Emma,S1\n");

        var person = Assert.Single(result.Roster!.People);
        Assert.Equal(("Emma", "Kowalski", "S1"), (person.GivenName, person.FamilyName, person.Id));
        Assert.Equal(Grade.Kindergarten, person.Grade);
        Assert.Equal(["a@example.com"], person.Emails);
    }

    [Fact]
    public void QuotedFieldsHoldCommasQuotesAndLineBreaks()
    {
        var result = Parse(Header + "\r\n" +
                           "S1,student,\"Mary, Ann\",\"O\"\"Brien\",\"Liv\r\nie\",03,false,\"a@example.com;b@example.com\"\r\n" +
                           "S2,student,Noah,Williams,,04,true,\r\n" +
                           "S3,student,Ava,Lopez,,99,true,\r\n");

        Assert.False(result.Succeeded);
        // The quoted line break moves the next rows down: S3 starts on line 5.
        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);

        var ok = Parse(Header + "\r\n" + "S1,student,\"Mary, Ann\",\"O\"\"Brien\",\"Liv\r\nie\",03,false,\"a@example.com;b@example.com\"\r\n");
        var person = Assert.Single(ok.Roster!.People);
        Assert.Equal("Mary, Ann", person.GivenName);
        Assert.Equal("O\"Brien", person.FamilyName);
        Assert.Equal("Liv\r\nie", person.PreferredName);
        Assert.Equal(2, person.Emails.Count);
    }

    [Fact]
    public void Utf8WithByteOrderMarkImports()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Header + "\nS1,student,José,Muñoz,,03,,\n")).ToArray();

        var result = ParseBytes(bytes, new ModerationOptions { BlankMediaRestrictionMeans = true });

        var person = Assert.Single(result.Roster!.People);
        Assert.Equal("S1", person.Id);
        Assert.Equal("Muñoz", person.FamilyName);
        Assert.True(person.MediaRestriction);
    }

    [Fact]
    public void BlankMediaRestrictionFollowsTheOptions()
    {
        var csv = Header + "\nS1,student,Emma,Kowalski,,02,,\n";

        Assert.False(Parse(csv).Roster!.People[0].MediaRestriction);
        Assert.True(Parse(csv, new ModerationOptions { BlankMediaRestrictionMeans = true }).Roster!.People[0].MediaRestriction);
    }

    [Fact]
    public void NonUtf8BytesAreRejected()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\nS1,student,Jos").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes(",M,,03,,\n")).ToArray();

        var result = ParseBytes(bytes);

        Assert.False(result.Succeeded);
        Assert.Contains("UTF-8", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBadRowIsReportedWithItsLineAndColumnAndNothingIsImported()
    {
        var csv = Header + "\n" +
                  "S1,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu\n" + // 2 fine
                  "S2,student,Liam,Nowak,,X,false,\n" + // 3 grade
                  "S3,pupil,Olivia,Bennett,,03,false,\n" + // 4 role
                  "S4,student,,Clark,,03,false,\n" + // 5 givenName
                  "S5,student,Mason,,,03,false,\n" + // 6 familyName
                  "S6,student,Ava,Lopez,,03,maybe,\n" + // 7 mediaRestriction
                  "S7,student,Noah,Turner,,03,false,noah.turner.example.com;ok@example.com\n" + // 8 emails
                  "S1,student,Sophia,Park,,03,false,\n" + // 9 duplicate id
                  ",student,Harper,Quinn,,03,false,\n" + // 10 blank id
                  "S9,student,Ella,Reed,,,false,\n" + // 11 student without grade
                  "S10,student,Mia,Hall,,03\n" + // 12 too few fields
                  "\n" + // 13 blank lines are skipped
                  "S11,student,Lucas,Young,,13,true,\n"; // 14 grade

        var result = Parse(csv);

        Assert.False(result.Succeeded);
        Assert.Null(result.Roster);
        Assert.Equal(
            [(3, "grade"), (4, "role"), (5, "givenName"), (6, "familyName"), (7, "mediaRestriction"), (8, "emails"), (9, "id"), (10, "id"), (11, "grade"), (12, null), (14, "grade")],
            result.Errors.Select(e => (e.Line, e.Column)));
        Assert.Equal("row 3: grade 'X' is not PK, 4K, KG, K, 1-12 or 01-12", result.Errors[0].Message);
        Assert.Equal("row 8: emails entry 1 is not an email address", result.Errors[5].Message);
        Assert.Equal("row 9: id is already used on row 2", result.Errors[6].Message);
        Assert.All(result.Errors, e => Assert.StartsWith($"row {e.Line}: ", e.Message, StringComparison.Ordinal));

        string[] secrets = ["Emma", "Kowalski", "Liam", "Nowak", "Olivia", "Bennett", "Clark", "Mason", "Ava", "Lopez", "Noah", "Turner", "Sophia", "Park", "noah.turner", "maybe", "pupil"];
        foreach (var error in result.Errors)
        {
            Assert.DoesNotContain(secrets, s => error.Message.Contains(s, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void AMissingHeaderOrRequiredColumnRejectsTheFile()
    {
        Assert.Equal("row 1: the header row is missing", Assert.Single(Parse("").Errors).Message);
        var missing = Parse("id,role,grade\nS1,student,02\n");
        Assert.Equal(["givenName", "familyName"], missing.Errors.Select(e => e.Column));
        Assert.All(missing.Errors, e => Assert.Equal(1, e.Line));
    }

    [Fact]
    public void AnUnclosedQuoteIsReported()
    {
        var result = Parse(Header + "\nS1,student,\"Emma,Kowalski,,02,false,\n");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Line == 2 && e.Message.Contains("never closed", StringComparison.Ordinal));
    }

    private const string OneRosterHeader =
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password";

    private static readonly string OneRosterUsers =
        OneRosterHeader + "\r\n" +
        "stu-1,active,,true,sch-1,student,ekowalski,,Emma,Kowalski,Rose,1001,ekowalski27@students.kusd.edu,,,par-1,02,\r\n" +
        "stu-2,active,,true,sch-1,student,lnowak,,Liam,Nowak,,1002,,,,,\"04,05\",\r\n" +
        "tea-1,active,,true,sch-1,teacher,kmueller,,Karen,Mueller,,,kmueller@kusd.edu,,,,,\r\n" +
        "par-1,active,,true,sch-1,parent,,,Anna,Kowalski,,,kowalski.family@example.com,,,,,\r\n" +
        "gua-2,active,,true,sch-1,guardian,,,Piotr,Nowak,,,piotr@example.com,,,stu-2,,\r\n" +
        "gua-3,active,,true,sch-1,guardian,,,Nobody,Linked,,,nobody@example.com,,,,,\r\n" +
        "stu-9,tobedeleted,,true,sch-1,student,gone,,Gone,Away,,,,,,,KG,\r\n";

    [Fact]
    public void OneRosterUsersCsvImportsStudentsStaffAndLinkedParentEmails()
    {
        var result = Parse(OneRosterUsers);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(RosterFormat.OneRoster, result.Format);
        var people = result.Roster!.People.ToDictionary(p => p.Id);
        Assert.Equal(["stu-1", "stu-2", "tea-1"], people.Keys.Order());
        Assert.Equal(["ekowalski27@students.kusd.edu", "kowalski.family@example.com"], people["stu-1"].Emails);
        Assert.Equal(["piotr@example.com"], people["stu-2"].Emails);
        Assert.Equal(new Grade(4), people["stu-2"].Grade);
        Assert.Equal(PersonRole.Staff, people["tea-1"].Role);
        Assert.All(people.Values, p => Assert.False(p.MediaRestriction));
        Assert.Contains(result.Notes, n => n.StartsWith("1 guardian", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("metadata.mediaRestriction", StringComparison.Ordinal));
    }

    [Fact]
    public void OneRosterMediaRestrictionComesFromTheConfiguredColumn()
    {
        var csv = "sourcedId,role,givenName,familyName,grades,metadata.noMedia,preferredFirstName\n" +
                  "stu-1,student,Emma,Kowalski,02,true,Em\n" +
                  "stu-2,student,Liam,Nowak,KG,,\n";

        var result = RosterCsv.Parse(new StringReader(csv), new ModerationOptions { BlankMediaRestrictionMeans = true },
            new RosterImportOptions { OneRosterMediaRestrictionColumn = "metadata.noMedia" });

        Assert.Equal([true, true], result.Roster!.People.Select(p => p.MediaRestriction));
        Assert.Equal(["Em", null], result.Roster.People.Select(p => p.PreferredName));
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void OneRosterBadRowsAreAllReported()
    {
        var csv = "sourcedId,role,givenName,familyName,grades\n" +
                  "stu-1,student,Emma,Kowalski,UG\n" +
                  "stu-2,robot,Liam,Nowak,03\n" +
                  "stu-2,student,,Nowak,03\n";

        var result = Parse(csv);

        Assert.Null(result.Roster);
        Assert.Equal([(2, "grades"), (3, "role"), (4, "sourcedId"), (4, "givenName")], result.Errors.Select(e => (e.Line, e.Column)));
    }

    [Fact]
    public void OneRosterZipWithManifestImports()
    {
        var result = ParseBytes(Zip(("manifest.csv", "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.users,bulk\n"), ("users.csv", OneRosterUsers)));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(3, result.Roster!.People.Count);
        Assert.DoesNotContain(result.Notes, n => n.Contains("manifest", StringComparison.Ordinal));
    }

    [Fact]
    public void ZipWithoutUsersCsvIsRejected()
    {
        var result = ParseBytes(Zip(("manifest.csv", "propertyName,value\n"), ("orgs.csv", "sourcedId\n")));

        Assert.False(result.Succeeded);
        Assert.Contains("users.csv", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipBadRowsKeepTheirLineNumbers()
    {
        var result = ParseBytes(Zip(("manifest.csv", "propertyName,value\n"), ("users.csv", "sourcedId,role,givenName,familyName,grades\nstu-1,student,Emma,Kowalski,14\n")));

        Assert.Equal(2, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void ZipEntryLargerThanTheLimitIsRejected()
    {
        var users = "sourcedId,role,givenName,familyName,grades\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"stu-{i},student,Emma,Kowalski,02\n"));

        var result = ParseBytes(Zip(("manifest.csv", "propertyName,value\n"), ("users.csv", users)), importOptions: new RosterImportOptions { MaxZipEntryBytes = 1000 });

        Assert.False(result.Succeeded);
        Assert.Contains("limit", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingPastTheLimitFailsWhateverTheDeclaredSize()
    {
        using var limited = new LimitedReadStream(new MemoryStream(new byte[2000]), 1000);

        Assert.ThrowsAny<IOException>(() => limited.CopyTo(Stream.Null));
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(true));
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}
