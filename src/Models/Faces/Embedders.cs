using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Models.Faces;

/// <summary>Turns an aligned face into an L2-normalised embedding; similarity is the dot product.</summary>
internal interface IFaceEmbedder : IDisposable
{
    string Version { get; }

    /// <summary>Family, size and weights hash, e.g. arcface-512@1a2b3c4d5e6f; templates are keyed by it.</summary>
    string Id { get; }

    int Size { get; }

    /// <summary>Turns the face into an embedding, taking the aligned chip(s) it needs from <paramref name="face"/>.</summary>
    float[] Embed(AlignedFace face, CancellationToken cancellationToken);
}

/// <summary>
/// One face's landmarks on its image, and the aligned chips cut from them so far: each chip
/// (template, size) is warped once however many embedders ask for it.
/// </summary>
internal sealed class AlignedFace(ImagePyramid pyramid, IReadOnlyList<PointF32> landmarks)
{
    private readonly List<(IReadOnlyList<PointF32> Template, int Size, byte[] Chip)> _chips = [];

    public IReadOnlyList<PointF32> Landmarks => landmarks;

    public byte[] Chip(IReadOnlyList<PointF32> template, int size)
    {
        foreach (var c in _chips)
        {
            if (ReferenceEquals(c.Template, template) && c.Size == size)
            {
                return c.Chip;
            }
        }

        var chip = FaceAlignment.Warp(pyramid, landmarks, template, size);
        _chips.Add((template, size, chip));
        return chip;
    }
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

    float[] IFaceEmbedder.Embed(AlignedFace face, CancellationToken cancellationToken) =>
        Embed(face.Chip(FaceAlignment.ArcFace112, Chip), cancellationToken);

    /// <summary>Embeds a 112x112 RGB chip aligned to <see cref="FaceAlignment.ArcFace112"/>.</summary>
    internal float[] Embed(byte[] chip, CancellationToken cancellationToken) =>
        Embeddings.Normalize(_model.Run(Embeddings.ToNchw(chip, Chip, 127f, 128f), cancellationToken)[0]);

    public void Dispose() => _model.Dispose();
}

/// <summary>dlib ResNet-34 converted to ONNX: 150x150 dlib chip, RGB 0..255 (mean inside the graph), 128-d.</summary>
public sealed class DlibEmbedder : IFaceEmbedder
{
    public const string FileName = "dlib_resnet34_128.onnx";
    private const int Chip = 150;
    private readonly OnnxModel _model;
    private readonly IReadOnlyList<PointF32> _template;

    public DlibEmbedder(string path, OnnxRuntimeOptions options, InferenceGate gate)
        : this(path, options, gate, FaceAlignment.Dlib150)
    {
    }

    /// <summary>With another 5-point template for the 150 px chip (evaluation of alignments).</summary>
    internal DlibEmbedder(string path, OnnxRuntimeOptions options, InferenceGate gate, IReadOnlyList<PointF32> template)
    {
        _model = new OnnxModel(path, options, gate, "input", [1, 3, Chip, Chip], ("output", [1, 128]));
        _template = template;
    }

    public string Version => _model.Version;

    public string Id => "dlib-128@" + _model.Sha256Prefix;

    public int Size => 128;

    float[] IFaceEmbedder.Embed(AlignedFace face, CancellationToken cancellationToken) =>
        Embed(face.Chip(_template, Chip), cancellationToken);

    /// <summary>Embeds a 150x150 RGB chip aligned to the dlib template.</summary>
    internal float[] Embed(byte[] chip, CancellationToken cancellationToken) =>
        Embeddings.Normalize(_model.Run(Embeddings.ToNchw(chip, Chip, 0f, 1f), cancellationToken)[0]);

    public void Dispose() => _model.Dispose();
}

internal static class Embeddings
{
    /// <summary>Mirror image of a size x size RGB chip: a free second look at the same face (test-time flip).</summary>
    public static byte[] Flip(byte[] chip, int size)
    {
        var flipped = new byte[chip.Length];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                Array.Copy(chip, ((y * size) + x) * 3, flipped, ((y * size) + (size - 1 - x)) * 3, 3);
            }
        }

        return flipped;
    }

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
