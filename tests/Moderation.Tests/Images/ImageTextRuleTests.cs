using Kusd.Moderation.Content;
using Kusd.Moderation.Images;
using Kusd.Moderation.Roster;
using Xunit.Abstractions;

namespace Kusd.Moderation.Tests.Images;

public sealed class ImageTextRuleTests(ImageEngineFixture fixture, ITestOutputHelper output) : IClassFixture<ImageEngineFixture>
{
    private static readonly RosterSnapshot Roster = new(new Kusd.Moderation.Roster.Roster(
    [
        new Person
        {
            Id = "S1001", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2),
            Emails = ["ekowalski27@students.kusd.edu"],
        },
    ]));


    [Fact]
    public async Task AStudentsFullNameAndEmailDrawnInAnImageAreFoundWhereTheyWereDrawn()
    {
        using var canvas = new TextCanvas(1000, 420);
        const string Title = "Congratulations Emma Kowalski!";
        const string Mail = "Write to ekowalski27@students.kusd.edu";
        var name = canvas.Draw(Title, "Emma Kowalski", 50, 130, 46);
        var mail = canvas.Draw(Mail, "ekowalski27@students.kusd.edu", 50, 300, 40);
        var request = new CheckRequest { Images = [new ContentImage("images[0]", "flyer.png", canvas.Png())] };

        var verdict = await fixture.Engine(_ => false, readText: true, roster: Roster).CheckAsync(request);

        var nameFinding = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.StudentNameElementary);
        var mailFinding = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.EmailStudent);
        foreach (var (finding, drawn) in new[] { (nameFinding, name), (mailFinding, mail) })
        {
            Assert.Equal(new FindingTarget(FindingTarget.ImageKind, "images[0]", "flyer.png"), finding.Target);
            Assert.Null(finding.Fix);
            Assert.Null(finding.Span);
            var region = Assert.IsType<ImageRegion>(finding.Region);
            output.WriteLine($"{finding.RuleId}: drawn {drawn}, found {region}, evidence length {finding.Evidence?.Length}");
            // Within about one character of the drawn ink on each side.
            Assert.InRange(region.X, drawn.X - 30, drawn.X + 20);
            Assert.InRange(region.X + region.Width, drawn.X + drawn.Width - 20, drawn.X + drawn.Width + 30);
            Assert.InRange(region.Y, drawn.Y - 30, drawn.Y + 5);
            Assert.InRange(region.Y + region.Height, drawn.Y + drawn.Height - 5, drawn.Y + drawn.Height + 30);
        }

        Assert.Equal("Emma Kowalski", nameFinding.Evidence);
        Assert.Equal("ekowalski27@students.kusd.edu", mailFinding.Evidence);
        Assert.Equal(Decision.Rejected, verdict.Decision);
    }

    [Fact]
    public void OcrReadsNearlyEveryCharacterOfDrawnText()
    {
        string[] lines =
        [
            "Congratulations Emma Kowalski!",
            "ekowalski27@students.kusd.edu",
            "Science Fair Winner 2024",
            "Visit https://www.kusd.edu/events",
            "Room 214, Bradford High School",
        ];
        using var canvas = new TextCanvas(1100, 120 + (lines.Length * 90));
        for (var i = 0; i < lines.Length; i++)
        {
            canvas.Draw(lines[i], lines[i], 40, 100 + (i * 90), 40);
        }

        var ocr = fixture.Images.Text!;
        using var image = new Kusd.Moderation.Models.Images.ImageIntake().Decode(canvas.Png());
        var read = ImageTextStage.Compose(ocr.Ocr.Read(image)).Text;

        var expected = string.Join("\n", lines);
        var distance = EditDistance(expected, read);
        var accuracy = 1.0 - ((double)distance / expected.Length);
        output.WriteLine($"characters right: {accuracy:P1} ({distance} edits over {expected.Length} characters)");
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
    }

    [Fact]
    public void TurningOcrOffLeavesNoTextStage()
    {
        var settings = new ModerationSettings { Images = new ImageRuleOptions { ReadTextInImages = false, CheckExplicit = false } };
        using var host = ModerationEngineBuilder.Build(settings, new FixedRosterProvider(RosterSnapshot.Empty));

        Assert.Null(host.Engine.Images!.Text);
        Assert.Contains(host.Engine.Images.Rules, r => r is ImageMetadataRule);
        Assert.DoesNotContain(host.Engine.Images.Rules, r => r is ExplicitImageRule);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
