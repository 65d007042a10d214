using Kusd.Moderation.Models.Explicit;
using Kusd.Moderation.Models.Images;

namespace Kusd.Moderation.Models.Tests.Explicit;

public sealed class ExplicitImageClassifierTests
{
    [Theory]
    [InlineData("grace_hopper_512x512.jpg")]
    [InlineData("astronaut.png")]
    [InlineData("chelsea.png")]
    [InlineData("page.png")]
    public void PackagePhotosScoreNeutralOrDrawingAndNotPorn(string photo)
    {
        using var classifier = new ExplicitImageClassifier();
        using var image = new ImageIntake().Decode(Photos.Read(photo));

        var scores = classifier.Classify(image);

        Assert.True(scores.Neutral + scores.Drawing > 0.8f, $"neutral {scores.Neutral:F3} drawing {scores.Drawing:F3}");
        Assert.True(scores.Porn + scores.Hentai < 0.15f, $"porn {scores.Porn:F3} hentai {scores.Hentai:F3}");
        Assert.Equal(1f, scores.Drawing + scores.Hentai + scores.Neutral + scores.Porn + scores.Sexy, 3);
    }
}
