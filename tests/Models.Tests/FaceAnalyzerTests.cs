using Kusd.Moderation.Models.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Models.Tests;

public sealed class FaceAnalyzerTests(FaceAnalyzerFixture fixture) : IClassFixture<FaceAnalyzerFixture>
{
    private readonly FaceAnalyzer _analyzer = fixture.Analyzer;

    [Fact]
    public void BlankImageHasNoFaces()
    {
        using var blank = new Image<Rgb24>(640, 480);
        blank.Mutate(x => x.BackgroundColor(Color.White));

        var analysis = _analyzer.Analyze(Png(blank));

        Assert.Empty(analysis.Faces);
    }

    [Theory]
    [InlineData("astronaut.png")]
    [InlineData("grace_hopper_512x512.jpg")]
    public void PortraitHasExactlyOneRecognizableFace(string photo)
    {
        var analysis = _analyzer.Analyze(Photos.Read(photo));

        var face = Assert.Single(analysis.Faces);
        Assert.True(face.Quality.IsRecognizable, face.Quality.Reason);
        Assert.Equal(_analyzer.EmbeddingSize, face.Embedding!.Length);
        Assert.Equal(1.0, Math.Sqrt(face.Embedding.Sum(v => (double)v * v)), 3);
    }

    [Fact]
    public void CatHasNoRecognizableHumanFace()
    {
        // UltraFace alone scores this cat's face 0.97; the landmark plausibility check turns it away.
        var analysis = _analyzer.Analyze(Photos.Read("chelsea.png"));

        Assert.DoesNotContain(analysis.Faces, f => f.Quality.IsRecognizable);
    }

    [Theory]
    [InlineData("coffee.png")]
    [InlineData("640px-IceBlockNearJoekullsarlon.jpg")]
    public void PhotoWithoutPeopleHasNoFaces(string photo)
    {
        Assert.Empty(_analyzer.Analyze(Photos.Read(photo)).Faces);
    }

    [Fact]
    public void GroupPhotoHasEveryFace()
    {
        var analysis = _analyzer.Analyze(Photos.Read(GroupPhoto.Name));

        Assert.True(analysis.Faces.Count >= GroupPhoto.Faces, $"found {analysis.Faces.Count} faces");
        Assert.True(analysis.Faces.Count(f => f.Quality.IsRecognizable) >= GroupPhoto.Faces - 1);
    }

    [Fact]
    public void ResizedRecompressedMirroredPortraitMatchesItsOriginal()
    {
        var original = Subject(Photos.Read("astronaut.png"));
        using var copy = Image.Load<Rgb24>(Photos.Read("astronaut.png"));
        copy.Mutate(x => x.Resize(copy.Width / 2, copy.Height / 2).Flip(FlipMode.Horizontal));
        using var stream = new MemoryStream();
        copy.SaveAsJpeg(stream, new JpegEncoder { Quality = 60 });

        var altered = Subject(stream.ToArray());

        Assert.True(OneStudentRosterScore(original, altered) >= FaceMatchThresholds.FusedMatch, $"similarity {Similarity(original, altered):F3}");
    }

    [Fact]
    public void DifferentPeopleScoreBelowTheReviewThreshold()
    {
        var astronaut = Subject(Photos.Read("astronaut.png"));
        var hopper = Subject(Photos.Read("grace_hopper_512x512.jpg"));

        Assert.True(OneStudentRosterScore(astronaut, hopper) < FaceMatchThresholds.FusedReview, $"similarity {Similarity(astronaut, hopper):F3}");
    }

    [Fact]
    public void AnalysisReportsStageTimingsAndModelVersions()
    {
        var analysis = _analyzer.Analyze(Photos.Read("astronaut.png"));

        Assert.All(["decode", "detect", "landmarks", "embed"], stage => Assert.True(analysis.TimingsMs.ContainsKey(stage), stage));
        Assert.Matches("^fr_feature\\.onnx@[0-9a-f]{12}\\+dlib_resnet34_128\\.onnx@[0-9a-f]{12}$", _analyzer.Models["face-embedder"]);
        Assert.Matches("^fused-640@arcface-512@[0-9a-f]{12}\\+dlib-128@[0-9a-f]{12}\\+flip\\+w0\\.207$", _analyzer.EmbedderId);
    }

    [Fact]
    public void ConcurrentAnalysesAgreeWithASequentialOne()
    {
        var bytes = Photos.Read("grace_hopper_512x512.jpg");
        var expected = Subject(bytes);

        var results = Enumerable.Range(0, 4).AsParallel().Select(_ => Subject(bytes)).ToList();

        Assert.All(results, r => Assert.Equal(1.0, Similarity(expected, r), 4));
    }

    private float[] Subject(byte[] photo) =>
        _analyzer.Analyze(photo).Faces.Where(f => f.Embedding is not null).OrderByDescending(f => f.Box.Area).First().Embedding!;

    private static double Similarity(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    private static byte[] Png(Image image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static class GroupPhoto
    {
        public const string Name = "sample2.jpg";
        public const int Faces = 3;
    }

    // The default (fused) embedder's centred score when the roster holds one student (FaceMatcher).
    private static double OneStudentRosterScore(float[] a, float[] b) => Similarity(a, b) - FaceMatchThresholds.FusedCohortMean;
}
