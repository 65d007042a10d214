using Kusd.Moderation.Models.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kusd.Moderation.Models.Explicit;

/// <summary>The five nsfwjs classes, as probabilities that sum to 1.</summary>
public sealed record ExplicitScores(float Drawing, float Hentai, float Neutral, float Porn, float Sexy);

/// <summary>
/// nsfwjs MobileNetV2 (converted to ONNX, see models/MODELS.md): the whole image squashed to 224x224,
/// RGB / 255, as nsfwjs does. Thread-safe; meant to be a singleton.
/// </summary>
public sealed class ExplicitImageClassifier : IDisposable
{
    public const string FileName = "nsfw_mobilenet_v2.onnx";
    private const int Size = 224;
    private readonly OnnxModel _model;
    private readonly InferenceGate? _ownedGate;

    public ExplicitImageClassifier(string? modelsDirectory = null, OnnxRuntimeOptions? runtime = null, InferenceGate? gate = null)
    {
        runtime ??= new OnnxRuntimeOptions();
        if (gate is null)
        {
            _ownedGate = new InferenceGate(runtime.MaxConcurrentInferences);
            gate = _ownedGate;
        }

        _model = new OnnxModel(ModelPaths.Resolve(FileName, modelsDirectory), runtime, gate, "input", [1, Size, Size, 3], ("output", [1, 5]));
    }

    /// <summary>File name and hash prefix, for verdicts.</summary>
    public string Version => _model.Version;

    /// <summary>Scores a decoded image (not modified).</summary>
    public ExplicitScores Classify(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = new float[Size * Size * 3];
        // nsfwjs resizes with tf.image.resizeBilinear(alignCorners = true), without antialiasing; the
        // model's published behaviour (and our tfjs check) is on those pixels, so sample the same way.
        // It also reads only 4 x 224 x 224 pixels, whatever the size of the photo.
        var sx = (image.Width - 1) / (double)(Size - 1);
        var sy = (image.Height - 1) / (double)(Size - 1);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < Size; y++)
            {
                var fy = y * sy;
                var y0 = (int)fy;
                var y1 = Math.Min(y0 + 1, image.Height - 1);
                var wy = (float)(fy - y0);
                var top = rows.GetRowSpan(y0);
                var bottom = rows.GetRowSpan(y1);
                var o = y * Size * 3;
                for (var x = 0; x < Size; x++)
                {
                    var fx = x * sx;
                    var x0 = (int)fx;
                    var x1 = Math.Min(x0 + 1, image.Width - 1);
                    var wx = (float)(fx - x0);
                    input[o++] = Lerp(top[x0].R, top[x1].R, bottom[x0].R, bottom[x1].R, wx, wy);
                    input[o++] = Lerp(top[x0].G, top[x1].G, bottom[x0].G, bottom[x1].G, wx, wy);
                    input[o++] = Lerp(top[x0].B, top[x1].B, bottom[x0].B, bottom[x1].B, wx, wy);
                }
            }
        });

        var p = _model.Run(input, cancellationToken)[0];
        return new ExplicitScores(p[0], p[1], p[2], p[3], p[4]);
    }

    private static float Lerp(byte a, byte b, byte c, byte d, float wx, float wy)
    {
        var upper = a + ((b - a) * wx);
        var lower = c + ((d - c) * wx);
        return (upper + ((lower - upper) * wy)) / 255f;
    }

    public void Dispose()
    {
        _model.Dispose();
        _ownedGate?.Dispose();
    }
}
