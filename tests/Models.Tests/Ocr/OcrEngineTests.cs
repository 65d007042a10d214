using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Ocr;

namespace Kusd.Moderation.Models.Tests.Ocr;

public sealed class OcrEngineFixture : IDisposable
{
    public OcrEngine Engine { get; } = new();

    public ImageIntake Intake { get; } = new();

    public void Dispose() => Engine.Dispose();
}

public sealed class OcrEngineTests(OcrEngineFixture fixture) : IClassFixture<OcrEngineFixture>
{
    [Fact]
    public void DrawnNameAndEmailAreReadWhereTheyWereDrawn()
    {
        var (png, boxes) = TextImages.Draw(
            900,
            400,
            ("Congratulations Emily Johnson!", 60, 120, 44),
            ("emily.johnson@students.kusd.edu", 60, 260, 40));
        using var image = fixture.Intake.Decode(png);

        var result = fixture.Engine.Read(image);

        Assert.Equal(2, result.Lines.Count);
        Assert.Contains("Emily Johnson", result.Lines[0].Text, StringComparison.Ordinal);
        Assert.Contains("emily.johnson@students.kusd.edu", result.Lines[1].Text, StringComparison.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            var line = result.Lines[i].Box;
            var drawn = boxes[i];
            Assert.InRange(line.X, drawn.Left - 30, drawn.Left + 5);
            Assert.InRange(line.Right, drawn.Right - 5, drawn.Right + 30);
            Assert.InRange(line.Y, drawn.Top - 30, drawn.Top + 5);
            Assert.InRange(line.Bottom, drawn.Bottom - 5, drawn.Bottom + 30);
            Assert.Equal(result.Lines[i].Text.Length, result.Lines[i].CharacterBoxes.Count);
        }
    }

    [Fact]
    public void CharacterBoxesFollowTheTextFromLeftToRight()
    {
        var (png, boxes) = TextImages.Draw(800, 160, ("Liam Novak 555-0142", 40, 100, 48));
        using var image = fixture.Intake.Decode(png);

        var line = Assert.Single(fixture.Engine.Read(image).Lines);

        var start = line.Text.IndexOf("Novak", StringComparison.Ordinal);
        Assert.True(start > 0, "the surname was read");
        var novak = line.CharacterBoxes[start];
        // "Novak" starts a little after a third of the drawn line ("Liam " is 5 of 19 characters).
        var fraction = (novak.X - boxes[0].Left) / (double)boxes[0].Width;
        Assert.InRange(fraction, 0.15, 0.45);
        Assert.True(line.CharacterBoxes[^1].Right > line.CharacterBoxes[0].Right);
    }

    [Fact]
    public void APhotoWithoutTextYieldsNoLines()
    {
        using var image = fixture.Intake.Decode(Photos.Read("grace_hopper_512x512.jpg"));

        var result = fixture.Engine.Read(image);

        Assert.True(result.Lines.Count <= 1, $"read {result.Lines.Count} lines");
    }
}
