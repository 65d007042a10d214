using Kusd.Moderation.Content;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Roster;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kusd.Moderation.Tests.Images;

public sealed class ImageSanitizerTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    [Fact]
    public async Task ABlurredRestrictedFaceIsNotMatchedWhenTheSanitizedImageIsCheckedAgain()
    {
        var photo = Photos.Read("grace_hopper_512x512.jpg");
        var analyzer = fixture.Faces;
        var enrolled = Assert.Single(analyzer.Analyze(photo).Faces);
        Assert.NotNull(enrolled.Embedding);
        fixture.Templates.Set = new FaceTemplateSet(analyzer.EmbedderId, analyzer.EmbeddingSize, ["S1002"], [enrolled.Embedding]);
        var engine = fixture.Engine(r => r is FaceRule);

        var verdict = await engine.CheckAsync(new CheckRequest
        {
            Images = [new ContentImage("images[0]", "hopper.jpg", photo)],
            ReturnSanitizedImages = true,
        });

        var face = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.MediaRestrictionFace);
        Assert.Equal(Severity.Error, face.Severity);
        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
        var sanitized = Assert.Single(verdict.Sanitized.Images).Data!;

        var again = await engine.CheckAsync(new CheckRequest { Images = [new ContentImage("images[0]", "hopper.jpg", sanitized)] });

        Assert.DoesNotContain(again.Findings, f => f.RuleId == RuleIds.MediaRestrictionFace);
        // Nothing recognisable is left where the face was.
        var region = face.Region!;
        foreach (var left in analyzer.Analyze(sanitized).Faces.Where(f => f.Embedding is not null))
        {
            var overlaps = left.Box.X < region.X + region.Width && region.X < left.Box.Right
                && left.Box.Y < region.Y + region.Height && region.Y < left.Box.Bottom;
            Assert.False(overlaps, "a recognisable face is left where the restricted one was");
        }
    }

    [Fact]
    public async Task TheMaskCoversMoreThanTheFaceBoxAndLeavesTheRestOfTheImageAlone()
    {
        var photo = Photos.Read("astronaut.png");
        var region = new ImageRegion(200, 60, 100, 120);
        var finding = new Finding
        {
            RuleId = RuleIds.MediaRestrictionFace,
            Severity = Severity.Error,
            Message = "m",
            Target = FindingTarget.Image("images[0]", "astronaut.png"),
            Region = region,
        };

        using var decoded = fixture.Decode("images[0]", "astronaut.png", photo);
        var result = fixture.Images.Sanitizer!.Sanitize(decoded, [finding], CancellationToken.None);

        Assert.Equal("image/png", result.ContentType);
        using var before = Image.Load<Rgb24>(photo);
        using var after = Image.Load<Rgb24>(result.Data!);
        var mask = ImageSanitizer.MaskOf(region, 1.3, before.Width, before.Height);
        Assert.True(mask.Width >= 129 && mask.Height >= 155, $"mask {mask}");
        Assert.True(MeanDifference(before, after, new Rectangle(region.X, region.Y, region.Width, region.Height)) > 8, "the face box changed");
        Assert.True(MeanDifference(before, after, new Rectangle(mask.X, mask.Y, 8, 8)) > 0.5, "the margin of the mask changed");
        Assert.Equal(0, MeanDifference(before, after, new Rectangle(0, 300, 150, 150)));
    }

    [Fact]
    public void UnverifiedFacesAreBlurredOnlyByOption()
    {
        var finding = new Finding
        {
            RuleId = RuleIds.FaceUnverified,
            Severity = Severity.Warning,
            Message = "m",
            Target = FindingTarget.Image("images[0]", null),
            Region = new ImageRegion(1, 1, 5, 5),
        };
        Assert.False(new ImageSanitizer(new ImageRuleOptions()).Removes(finding));
        Assert.True(new ImageSanitizer(new ImageRuleOptions { BlurUnverifiedFaces = true }).Removes(finding));
    }

    private static double MeanDifference(Image<Rgb24> a, Image<Rgb24> b, Rectangle area)
    {
        double sum = 0;
        for (var y = area.Y; y < area.Bottom; y++)
        {
            for (var x = area.X; x < area.Right; x++)
            {
                var p = a[x, y];
                var q = b[x, y];
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        return sum / (3.0 * area.Width * area.Height);
    }
}
