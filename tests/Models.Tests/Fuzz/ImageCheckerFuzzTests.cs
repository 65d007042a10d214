using CsCheck;
using Kusd.Moderation.Models.Explicit;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Ocr;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Models.Tests.Fuzz;

/// <summary>The three image models, loaded once for the fuzz tests.</summary>
public sealed class ImageCheckersFixture : IDisposable
{
    public OcrEngine Ocr { get; } = new();

    public ExplicitImageClassifier Explicit { get; } = new();

    public FaceAnalyzer Faces { get; } = new(new FaceOptions());

    public void Dispose()
    {
        Ocr.Dispose();
        Explicit.Dispose();
        Faces.Dispose();
    }
}

/// <summary>
/// Every image checker's model-level entry over random crops of the package-shipped photos, resized to random
/// sizes and aspect ratios from 1x1 to 20,000 a side (within the pixel limit): any exception is a bug. A few dozen
/// cases, so CI runs it in seconds to a minute; a failure prints the seed that reproduces it.
/// </summary>
public sealed class ImageCheckerFuzzTests(ImageCheckersFixture fixture) : IClassFixture<ImageCheckersFixture>
{
    // The package photos, and a drawn screenshot of technical text (host names, code): text is where OCR does
    // the most work per pixel (many lines, long recognition crops).
    private const string Screenshot = "drawn:screenshot";

    private static readonly string[] PhotoNames = ["grace_hopper_512x512.jpg", "astronaut.png", "chelsea.png", "page.png", "coffee.png", "camera.png", "sample1.jpg", Screenshot, Screenshot];

    // Bytes of a side: most cases ordinary, some degenerate (1-8 px) or extreme (up to 20,000 px). The area is
    // capped at 4 MP to keep CI fast; the shape, not the area, is what broke the checkers (20,000 x 2 is allowed).
    private static readonly Gen<int> Side = Gen.Frequency(
        (3, Gen.Int[1, 8]),
        (4, Gen.Int[9, 600]),
        (2, Gen.Int[601, 4000]),
        (1, Gen.Int[4001, 20_000]));

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[0, PhotoNames.Length - 1], Gen.Double[0, 1].Array[4], Side, Side, (photo, crop, width, height) =>
        {
            const long MaxArea = 4_000_000;
            if ((long)width * height > MaxArea)
            {
                // Keep the extreme side, shrink the other: 20,000 x 200 stays as thin as asked.
                if (width >= height)
                {
                    height = (int)Math.Max(1, MaxArea / width);
                }
                else
                {
                    width = (int)Math.Max(1, MaxArea / height);
                }
            }

            return new Case(PhotoNames[photo], crop[0], crop[1], crop[2], crop[3], width, height);
        });

    private static readonly Dictionary<string, Image<Rgb24>> Loaded = [];

    private static int made;

    private static Image<Rgb24> Photo(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var image))
            {
                Loaded[name] = image = Image.Load<Rgb24>(name == Screenshot ? DrawScreenshot() : Photos.Read(name));
            }

            return image;
        }
    }

    private static byte[] DrawScreenshot() => Ocr.TextImages.Draw(
        1200,
        800,
        ("$ ssh deploy@build01.internal.example.com", 20, 60, 30),
        ("proxy: cache.example.net:3128  api.example.org/v2/items", 20, 130, 26),
        ("S", 20, 200, 40),
        ("config.name = \"Lincoln\"; config.phone = 555-0100;", 20, 270, 24),
        ("https://www.shopmart.com/deals?id=42", 20, 340, 28),
        ("| a | b | c | d | e | f | g | h | i | j |", 20, 420, 20),
        ("1 2 3 4 5 6 7 8 9 0 . , ; : ! ?", 20, 500, 60),
        ("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", 20, 620, 34),
        ("iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", 20, 720, 12)).Png;

    // FUZZ_ITER=400 runs more cases by hand; CI keeps the small default.
    private static long Iterations(int ci) =>
        long.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITER"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : ci;

    private static Image<Rgb24> Make(Case c)
    {
        Interlocked.Increment(ref made);
        var source = Photo(c.Photo);
        var x = (int)(c.X * (source.Width - 1));
        var y = (int)(c.Y * (source.Height - 1));
        var w = Math.Max(1, (int)(c.W * (source.Width - x)));
        var h = Math.Max(1, (int)(c.H * (source.Height - y)));
        return source.Clone(ctx => ctx.Crop(new Rectangle(x, y, w, h)).Resize(c.Width, c.Height));
    }

    [Fact]
    public void OcrReadsAnyCropSizeAndAspectRatioWithoutThrowing()
    {
        var before = Volatile.Read(ref made);
        Cases.Sample(c =>
        {
            using var image = Make(c);
            var result = fixture.Ocr.Read(image);
            Assert.Equal(c.Width, result.ImageWidth);
            Assert.All(result.Lines, line => Assert.Equal(line.Text.Length, line.CharacterBoxes.Count));
        }, iter: Iterations(40), threads: 1);

        // The cases really ran (other fuzz tests of this class may run at the same time and add to the count).
        Assert.True(Volatile.Read(ref made) - before >= Iterations(40));
    }

    [Fact]
    public void TheExplicitClassifierScoresAnyCropSizeAndAspectRatioWithoutThrowing()
    {
        Cases.Sample(c =>
        {
            using var image = Make(c);
            var scores = fixture.Explicit.Classify(image);
            Assert.Equal(1f, scores.Drawing + scores.Hentai + scores.Neutral + scores.Porn + scores.Sexy, 2);
        }, iter: Iterations(30), threads: 1);
    }

    [Fact]
    public void TheFaceAnalyzerReadsAnyEncodedCropSizeAndAspectRatioWithoutThrowing()
    {
        Cases.Sample(c =>
        {
            using var image = Make(c);
            using var png = new MemoryStream();
            image.SaveAsPng(png, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
            var analysis = fixture.Faces.Analyze(png.ToArray());
            Assert.Equal(c.Width, analysis.ImageWidth);
        }, iter: Iterations(24), threads: 1);
    }

    public sealed record Case(string Photo, double X, double Y, double W, double H, int Width, int Height);
}
