using System.Diagnostics;
using System.Globalization;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Evaluation;

/// <summary>
/// Measures the face pipeline on a third-party evaluation set that never enters the repository:
/// <c>faces DIR [--embedder arcface|dlib|all] [--detector ultraface|blazeface|both|all]</c> and
/// <c>latency IMAGE</c> (upscaled to 4032x3024); and the text rules on real school websites:
/// <c>real-content [DIR]</c> (see <see cref="RealContentEvaluation"/>).
/// </summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;
    public const int ExitMissingData = 3;

    public static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length >= 2 && args[0] == "faces")
        {
            return FaceEvaluation.Run(args[1], Option(args, "--embedder") ?? "all", Option(args, "--detector") ?? "all", args.Contains("--verbose"), args.Contains("--sizes"));
        }

        if (args.Length >= 2 && args[0] == "children")
        {
            return ChildrenEvaluation.Run(args[1], Option(args, "--cache") ?? "/work/cache/children/cache", args.Contains("--verbose"));
        }

        if (args.Length >= 2 && args[0] == "detect")
        {
            var detector = Option(args, "--detector");
            var paths = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal) && a != detector).ToArray();
            return Detect(paths, detector ?? "UltraFace");
        }

        if (args.Length >= 2 && args[0] == "tiles")
        {
            return TileCost(args[1]);
        }

        if (args.Length >= 1 && args[0] == "real-content")
        {
            var dir = args.Length >= 2 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : null;
            return RealContentEvaluation.Run(dir, Option(args, "--labels"), Option(args, "--unlabeled"), args.Contains("--list"), args.Contains("--images"));
        }

        if (args.Length >= 2 && args[0] == "latency")
        {
            return Latency(args[1]);
        }

        Console.Error.WriteLine("usage: faces DIR [--embedder arcface|dlib|all] [--detector ultraface|blazeface|both|all] [--verbose] [--sizes] | detect IMAGE... [--detector D] | latency IMAGE | real-content [DIR] [--labels FILE] [--unlabeled FILE] [--list] [--images]");
        return ExitUsage;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Detect(string[] paths, string detector)
    {
        using var analyzer = new FaceAnalyzer(new FaceOptions { Detector = Enum.Parse<FaceDetectorKind>(detector, ignoreCase: true) });
        foreach (var path in paths)
        {
            try
            {
                var r = analyzer.Analyze(File.ReadAllBytes(path));
                Console.WriteLine($"{Path.GetFileName(path)} {r.ImageWidth}x{r.ImageHeight}: {r.Faces.Count} faces, {r.Faces.Count(f => f.Quality.IsRecognizable)} recognisable; "
                    + string.Join(", ", r.TimingsMs.Select(t => $"{t.Key} {t.Value:F0}")) + " ms");
                foreach (var f in r.Faces)
                {
                    Console.WriteLine($"  [{f.Box.X:F0},{f.Box.Y:F0} {f.Box.Width:F0}x{f.Box.Height:F0}] score {f.DetectionScore:F2} yaw {f.Quality.YawDegrees:F0} sharpness {f.Quality.Sharpness:F0} {(f.Quality.IsRecognizable ? "recognisable" : f.Quality.Reason)}");
                }
            }
            catch (ImageRejectedException ex)
            {
                Console.WriteLine($"{Path.GetFileName(path)}: rejected ({ex.Reason}): {ex.Message}");
            }
        }

        return ExitOk;
    }

    // CPU cost of one detector window split into tensor filling and inference.
    private static int TileCost(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        var pyramid = new ImagePyramid(image);
        using var gate = new Kusd.Moderation.Models.Onnx.InferenceGate(1);
        var runtime = new Kusd.Moderation.Models.Onnx.OnnxRuntimeOptions();
        var dir = Kusd.Moderation.Models.Onnx.ModelPaths.ResolveDirectory();
        using var ultra = new UltraFaceDetector(Path.Combine(dir, UltraFaceDetector.FileName), runtime, gate);
        using var blaze = new BlazeFaceDetector(Path.Combine(dir, BlazeFaceDetector.FileName), runtime, gate);
        using var process = Process.GetCurrentProcess();
        foreach (IWindowDetector detector in new IWindowDetector[] { ultra, blaze })
        {
            var window = new CropWindow(100, 100, 0.5f);
            double Cpu(Action action, int n)
            {
                action();
                process.Refresh();
                var before = process.TotalProcessorTime;
                for (var i = 0; i < n; i++)
                {
                    action();
                }

                process.Refresh();
                return (process.TotalProcessorTime - before).TotalMilliseconds / n;
            }

            var fill = Cpu(() => TensorFill.Rgb(pyramid, window, detector.InputWidth, detector.InputHeight, TensorLayout.Nchw, 127f, 128f), 50);
            var detect = Cpu(() => detector.Detect(pyramid, window, 0.7f, CancellationToken.None), 50);
            Console.WriteLine($"{detector.Name}: fill {fill:F1} ms CPU, fill+inference+decode {detect:F1} ms CPU per window");
        }

        return ExitOk;
    }

    private static int Latency(string path)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"error: {path} not found");
            return ExitMissingData;
        }

        using var source = Image.Load<Rgb24>(path);
        source.Mutate(x => x.Resize(4032, 3024));
        using var stream = new MemoryStream();
        source.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        var bytes = stream.ToArray();
        foreach (var detector in new[] { FaceDetectorKind.UltraFace, FaceDetectorKind.Both })
        {
            using var analyzer = new FaceAnalyzer(new FaceOptions { Detector = detector });
            analyzer.Analyze(bytes);
            var runs = new List<FaceAnalysis>();
            var cpu = new List<double>();
            using var process = Process.GetCurrentProcess();
            for (var i = 0; i < 3; i++)
            {
                process.Refresh();
                var before = process.TotalProcessorTime;
                runs.Add(analyzer.Analyze(bytes));
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - before).TotalMilliseconds);
            }

            // Wall-clock stages are inflated on a shared machine; the process CPU time is what one core would need.
            var stages = runs[0].TimingsMs.Keys;
            Console.WriteLine($"{detector}, 4032x3024 JPEG ({bytes.Length / 1024} KB), {runs[0].Faces.Count} faces, median of 3, wall ms: "
                + string.Join(", ", stages.Select(s => $"{s} {Median(runs.Select(r => r.TimingsMs[s])):F0}"))
                + $"; process CPU ms {Median(cpu):F0}; load average {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a")}");
        }

        return ExitOk;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
