using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

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
        using (var small = image.Clone(x => x.Resize(new ResizeOptions { Size = new Size(Size, Size), Mode = ResizeMode.Stretch, Sampler = KnownResamplers.Triangle })))
        {
            small.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < Size; y++)
                {
                    var row = rows.GetRowSpan(y);
                    var o = y * Size * 3;
                    for (var x = 0; x < Size; x++)
                    {
                        input[o++] = row[x].R / 255f;
                        input[o++] = row[x].G / 255f;
                        input[o++] = row[x].B / 255f;
                    }
                }
            });
        }

        var p = _model.Run(input, cancellationToken)[0];
        return new ExplicitScores(p[0], p[1], p[2], p[3], p[4]);
    }

    public void Dispose()
    {
        _model.Dispose();
        _ownedGate?.Dispose();
    }
}
