using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Models.Faces;

/// <summary>Turns an aligned face into an L2-normalised embedding; similarity is the dot product.</summary>
internal interface IFaceEmbedder : IDisposable
{
    string Version { get; }

    /// <summary>Family, size and weights hash, e.g. arcface-512@1a2b3c4d5e6f; templates are keyed by it.</summary>
    string Id { get; }

    int Size { get; }

    /// <summary>Side of the aligned chip and the 5-point template it is aligned to.</summary>
    int ChipSize { get; }

    IReadOnlyList<PointF32> Template { get; }

    float[] Embed(byte[] chip, CancellationToken cancellationToken);
}

/// <summary>fr_feature.onnx: 112x112 ArcFace-aligned RGB, (x-127)/128, 512-d, cosine.</summary>
public sealed class ArcFaceEmbedder : IFaceEmbedder
{
    public const string FileName = "fr_feature.onnx";
    private const int Chip = 112;
    private readonly OnnxModel _model;

    public ArcFaceEmbedder(string path, OnnxRuntimeOptions options, InferenceGate gate)
    {
        _model = new OnnxModel(path, options, gate, "input", [1, 3, Chip, Chip], ("output", [1, 512]));
    }

    public string Version => _model.Version;

    public string Id => "arcface-512@" + _model.Sha256Prefix;

    public int Size => 512;

    public int ChipSize => Chip;

    IReadOnlyList<PointF32> IFaceEmbedder.Template => FaceAlignment.ArcFace112;

    float[] IFaceEmbedder.Embed(byte[] chip, CancellationToken cancellationToken) =>
        Embeddings.Normalize(_model.Run(Embeddings.ToNchw(chip, Chip, 127f, 128f), cancellationToken)[0]);

    public void Dispose() => _model.Dispose();
}

/// <summary>dlib ResNet-34 converted to ONNX: 150x150 dlib chip, RGB 0..255 (mean inside the graph), 128-d.</summary>
public sealed class DlibEmbedder : IFaceEmbedder
{
    public const string FileName = "dlib_resnet34_128.onnx";
    private const int Chip = 150;
    private readonly OnnxModel _model;

    public DlibEmbedder(string path, OnnxRuntimeOptions options, InferenceGate gate)
    {
        _model = new OnnxModel(path, options, gate, "input", [1, 3, Chip, Chip], ("output", [1, 128]));
    }

    public string Version => _model.Version;

    public string Id => "dlib-128@" + _model.Sha256Prefix;

    public int Size => 128;

    public int ChipSize => Chip;

    IReadOnlyList<PointF32> IFaceEmbedder.Template => FaceAlignment.Dlib150;

    float[] IFaceEmbedder.Embed(byte[] chip, CancellationToken cancellationToken) =>
        Embeddings.Normalize(_model.Run(Embeddings.ToNchw(chip, Chip, 0f, 1f), cancellationToken)[0]);

    public void Dispose() => _model.Dispose();
}

internal static class Embeddings
{
    public static float[] ToNchw(byte[] chip, int size, float mean, float std)
    {
        var plane = size * size;
        var tensor = new float[plane * 3];
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                tensor[(c * plane) + i] = (chip[(i * 3) + c] - mean) / std;
            }
        }

        return tensor;
    }

    public static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return norm > 0 ? v.Select(x => x / norm).ToArray() : v;
    }

    /// <summary>Dot product of two L2-normalised embeddings (cosine similarity).</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
