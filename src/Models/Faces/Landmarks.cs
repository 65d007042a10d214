using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Models.Faces;

/// <summary>
/// 68-point landmarks (fr_landmark.onnx): the detector box resized to 64x64 grey/256, points
/// returned relative to that box, as the package that ships the model does it. Reduced to the
/// 5 ArcFace points: eye centres, nose tip, mouth corners (image-left first).
/// </summary>
public sealed class FaceLandmarker : IDisposable
{
    public const string FileName = "fr_landmark.onnx";
    private const int Size = 64;
    private readonly OnnxModel _model;

    public FaceLandmarker(string path, OnnxRuntimeOptions options, InferenceGate gate)
    {
        _model = new OnnxModel(path, options, gate, "input", [1, 1, Size, Size], ("output", [1, 136]));
    }

    public string Version => _model.Version;

    internal PointF32[] FivePoints(ImagePyramid pyramid, BoxF box, CancellationToken cancellationToken)
    {
        var p = Points68(pyramid, box, cancellationToken);
        return
        [
            Mean(p, 37, 38, 40, 41),
            Mean(p, 43, 44, 46, 47),
            p[30],
            Mean(p, 48, 60),
            Mean(p, 54, 64),
        ];
    }

    internal PointF32[] Points68(ImagePyramid pyramid, BoxF box, CancellationToken cancellationToken)
    {
        var scaleX = Size / box.Width;
        var scaleY = Size / box.Height;
        var (levelScale, level) = pyramid.LevelFor(Math.Max(scaleX, scaleY));
        var input = new float[Size * Size];
        Span<float> rgb = stackalloc float[3];
        for (var v = 0; v < Size; v++)
        {
            var y = ((box.Y + ((v + 0.5f) / scaleY)) * levelScale) - 0.5f;
            for (var u = 0; u < Size; u++)
            {
                var x = ((box.X + ((u + 0.5f) / scaleX)) * levelScale) - 0.5f;
                level.SampleRgb(x, y, rgb);
                var grey = (0.299f * rgb[0]) + (0.587f * rgb[1]) + (0.114f * rgb[2]);
                input[(v * Size) + u] = grey / 256f;
            }
        }

        var output = _model.Run(input, cancellationToken)[0];
        var points = new PointF32[68];
        for (var i = 0; i < 68; i++)
        {
            points[i] = new PointF32(box.X + (output[i * 2] * box.Width), box.Y + (output[(i * 2) + 1] * box.Height));
        }

        return points;
    }

    public void Dispose() => _model.Dispose();

    private static PointF32 Mean(PointF32[] p, params int[] indices)
    {
        float x = 0, y = 0;
        foreach (var i in indices)
        {
            x += p[i].X;
            y += p[i].Y;
        }

        return new PointF32(x / indices.Length, y / indices.Length);
    }
}
