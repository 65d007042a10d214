using Kusd.Moderation.Content;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;

namespace Kusd.Moderation.Tests.Images;

/// <summary>The image half of the pipeline: one decode at the boundary, bad images refused before any model, stuck checkers cancelled.</summary>
public sealed class ImagePipelineTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    [Fact]
    public async Task EachImageIsDecodedOnceByEveryCheckerAndTheSanitizerTogether()
    {
        var engine = fixture.Host.Engine;
        var before = fixture.Images.Intake.Decodes;

        var verdict = await engine.CheckAsync(new CheckRequest
        {
            Images =
            [
                new ContentImage("images[0]", "hopper.jpg", Photos.Read("grace_hopper_512x512.jpg")),
                new ContentImage("images[1]", "page.png", Photos.Read("page.png")),
            ],
            ReturnSanitizedImages = true,
        });

        Assert.Equal(2, fixture.Images.Intake.Decodes - before);
        Assert.Equal(2, verdict.Sanitized.Images.Count);
        Assert.Contains("faces", verdict.Timings.Keys);
        Assert.Contains("explicit-image", verdict.Timings.Keys);
        Assert.Contains("image-text", verdict.Timings.Keys);
        Assert.Contains("image-metadata", verdict.Timings.Keys);
        Assert.DoesNotContain(verdict.Findings, f => f.RuleId == RuleIds.CheckUnavailable);
    }

    [Fact]
    public async Task ABadImageIsRefusedBeforeAnyModelRunsOnAnyImage()
    {
        var probe = new ProbeRule(TimeSpan.Zero);
        var engine = new ModerationEngine([], new FixedRosterProvider(RosterSnapshot.Empty), new ModerationOptions(), new ImagePipeline(fixture.Images.Intake, [probe]));
        var truncated = Photos.Read("grace_hopper_512x512.jpg")[..4000];

        var refused = await Assert.ThrowsAsync<ImageRejectedException>(() => engine.CheckAsync(new CheckRequest
        {
            Images = [new ContentImage("images[0]", "ok.png", Photos.Read("page.png")), new ContentImage("images[1]", "cut.jpg", truncated)],
        }));

        Assert.Equal(ImageRejection.Corrupt, refused.Reason);
        Assert.Equal(0, probe.Runs);
    }

    [Fact]
    public async Task ACheckerPastItsTimeoutIsCancelledAndTheImageGoesToReview()
    {
        var stuck = new ProbeRule(TimeSpan.FromMinutes(5));
        var options = new ModerationOptions { CheckerTimeout = TimeSpan.FromMilliseconds(200) };
        var engine = new ModerationEngine([], new FixedRosterProvider(RosterSnapshot.Empty), options, new ImagePipeline(fixture.Images.Intake, [stuck]));

        var verdict = await engine.CheckAsync(new CheckRequest { Images = [new ContentImage("images[0]", "page.png", Photos.Read("page.png"))] });

        var unavailable = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.CheckUnavailable, unavailable.RuleId);
        Assert.Contains("did not finish in time", unavailable.Message, StringComparison.Ordinal);
        Assert.Equal(Decision.NeedsReview, verdict.Decision);
        Assert.True(stuck.Cancelled.Wait(TimeSpan.FromSeconds(10)), "the stuck checker was never told to stop");
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("tiff")]
    public async Task ARestrictedFaceInTheSecondFrameIsFoundAndNeverCountsAsFixed(string format)
    {
        var hopper = Photos.Read("grace_hopper_512x512.jpg");
        var enrolled = Assert.Single(fixture.Faces.Analyze(hopper).Faces);
        fixture.Templates.Set = new FaceTemplateSet(fixture.Faces.EmbedderId, fixture.Faces.EmbeddingSize, ["S1003"], [enrolled.Embedding!]);
        var animation = TwoFrames(hopper, format);

        var verdict = await fixture.Engine(r => r is FaceRule).CheckAsync(new CheckRequest
        {
            Images = [new ContentImage("images[0]", "anim." + format, animation)],
            ReturnSanitizedImages = true,
        });

        var face = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.MediaRestrictionFace);
        Assert.EndsWith("(frame 2 of 2)", face.Message, StringComparison.Ordinal);
        Assert.NotEqual(Decision.Approved, verdict.Decision);
        Assert.NotEqual(Decision.ApprovedWithChanges, verdict.Decision);
        Assert.Empty(verdict.Sanitized.Images);
    }

    [Theory]
    [InlineData("north", true)]
    [InlineData("south", false)]
    [InlineData(null, true)]
    public async Task ACheckAboutOneSchoolComparesFacesOnlyWithThatSchoolsRestrictedStudents(string? school, bool found)
    {
        var hopper = Photos.Read("grace_hopper_512x512.jpg");
        var enrolled = Assert.Single(fixture.Faces.Analyze(hopper).Faces);
        fixture.Templates.Set = new FaceTemplateSet(fixture.Faces.EmbedderId, fixture.Faces.EmbeddingSize, ["S1003"], [enrolled.Embedding!]);
        var roster = new RosterSnapshot(new Kusd.Moderation.Roster.Roster(
        [
            new Person { Id = "S1003", GivenName = "Grace", FamilyName = "Hopper", Grade = new Grade(3), MediaRestriction = true, Schools = ["north"] },
        ]));

        var verdict = await fixture.Engine(r => r is FaceRule, roster: roster).CheckAsync(new CheckRequest
        {
            Images = [new ContentImage("images[0]", "hopper.jpg", hopper)],
            Schools = school is null ? [] : [school],
        });

        Assert.Equal(found, verdict.Findings.Any(f => f.RuleId == RuleIds.MediaRestrictionFace));
    }

    [Fact]
    public async Task AFaceInTheReviewBandIsAWarningAndTheAuditSaysWhomItMayBe()
    {
        // A match threshold no face reaches puts the enrolled student's own photo in the review band.
        var hopper = Photos.Read("grace_hopper_512x512.jpg");
        var enrolled = Assert.Single(fixture.Faces.Analyze(hopper).Faces);
        var templates = new TestTemplates { Set = new FaceTemplateSet(fixture.Faces.EmbedderId, fixture.Faces.EmbeddingSize, ["S1003"], [enrolled.Embedding!]) };
        var rule = new FaceRule(fixture.Faces, templates, new FaceMatchOptions { MatchThreshold = 10, ReviewThreshold = 0.05 });
        var engine = new ModerationEngine([], new FixedRosterProvider(RosterSnapshot.Empty), new ModerationOptions(), new ImagePipeline(fixture.Images.Intake, [rule], null, fixture.Images.Sanitizer));
        var audit = new CheckAudit();

        var verdict = await engine.CheckAsync(new CheckRequest { Images = [new ContentImage("images[0]", "hopper.jpg", hopper)] }, audit);

        Assert.Equal(Severity.Warning, Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.MediaRestrictionFace).Severity);
        var match = Assert.Single(audit.FaceMatches);
        Assert.True(match.InReviewBand);
        Assert.Equal("S1003", match.PersonId);
    }

    [Fact]
    public void AnAnimationWithMoreFramesThanTheLimitIsRefusedBeforeDecoding()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(32, 32);
        for (var i = 1; i < 60; i++)
        {
            image.Frames.AddFrame(image.Frames.RootFrame);
        }

        using var output = new MemoryStream();
        image.Save(output, new SixLabors.ImageSharp.Formats.Gif.GifEncoder());
        var intake = new ImageIntake(new ImageLimits { MaxFramesRead = 50 });

        var refused = Assert.Throws<ImageRejectedException>(() => intake.Inspect(output.ToArray()));

        Assert.Equal(ImageRejection.TooLarge, refused.Reason);
        Assert.Contains("60 frames", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, intake.Decodes);
    }

    [Fact]
    public void AnAnimatedPngIsCountedFromItsDeclaration()
    {
        // Signature, then an acTL chunk declaring 3 frames (CRC not checked by the counter).
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 8, (byte)'a', (byte)'c', (byte)'T', (byte)'L', 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0];

        Assert.Equal(3, FrameCounter.Count("PNG", png));
    }

    private static byte[] TwoFrames(byte[] photo, string format)
    {
        using var face = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(photo);
        using var animation = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(face.Width, face.Height, new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 200, 200));
        animation.Frames.AddFrame(face.Frames.RootFrame);
        using var output = new MemoryStream();
        if (format == "gif")
        {
            animation.Save(output, new SixLabors.ImageSharp.Formats.Gif.GifEncoder());
        }
        else
        {
            animation.Save(output, new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder());
        }

        return output.ToArray();
    }

    /// <summary>An image checker that waits (until cancelled) and reports nothing.</summary>
    private sealed class ProbeRule(TimeSpan wait) : IImageRule
    {
        private int _runs;

        public ManualResetEventSlim Cancelled { get; } = new();

        public int Runs => _runs;

        public string Name => "probe";

        public IReadOnlyDictionary<string, string> Models { get; } = new Dictionary<string, string>();

        public void Analyze(ImageCheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            if (cancellationToken.WaitHandle.WaitOne(wait))
            {
                Cancelled.Set();
            }
        }
    }
}
