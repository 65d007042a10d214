using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Models.Faces;

/// <summary>A face found by one detector pass, in original image pixels.</summary>
internal sealed record FaceCandidate(BoxF Box, float Score, string Detector);

/// <summary>A detector with a fixed input size, run on windows of the image pyramid.</summary>
internal interface IWindowDetector
{
    string Name { get; }

    int InputWidth { get; }

    int InputHeight { get; }

    /// <summary>Face sizes (input pixels) this detector finds reliably; the pyramid is planned from them.</summary>
    float MinFace { get; }

    float MaxFace { get; }

    List<FaceCandidate> Detect(ImagePyramid pyramid, CropWindow window, float threshold, CancellationToken cancellationToken);
}

/// <summary>UltraFace RFB-320 (fr_detect.onnx): [1,3,240,320] RGB (x-127)/128, softmaxed scores and normalised boxes.</summary>
public sealed class UltraFaceDetector : IDisposable, IWindowDetector
{
    public const string FileName = "fr_detect.onnx";
    private const int Width = 320;
    private const int Height = 240;
    private const int Anchors = 4420;
    private readonly OnnxModel _model;

    public UltraFaceDetector(string path, OnnxRuntimeOptions options, InferenceGate gate)
    {
        _model = new OnnxModel(path, options, gate, "input", [1, 3, Height, Width], ("scores", [1, Anchors, 2]), ("boxes", [1, Anchors, 4]));
    }

    public string Name => "ultraface";

    public string Version => _model.Version;

    public int InputWidth => Width;

    public int InputHeight => Height;

    public float MinFace => 16;

    public float MaxFace => 220;

    List<FaceCandidate> IWindowDetector.Detect(ImagePyramid pyramid, CropWindow window, float threshold, CancellationToken cancellationToken)
    {
        var input = TensorFill.Rgb(pyramid, window, Width, Height, TensorLayout.Nchw, 127f, 128f);
        var outputs = _model.Run(input, cancellationToken);
        var scores = outputs[0];
        var boxes = outputs[1];
        var found = new List<FaceCandidate>();
        for (var i = 0; i < Anchors; i++)
        {
            var score = scores[(i * 2) + 1];
            if (score < threshold)
            {
                continue;
            }

            var b = i * 4;
            found.Add(new FaceCandidate(
                window.ToOriginal(boxes[b] * Width, boxes[b + 1] * Height, boxes[b + 2] * Width, boxes[b + 3] * Height),
                score,
                Name));
        }

        return found;
    }

    public void Dispose() => _model.Dispose();
}

/// <summary>MediaPipe BlazeFace back-camera model: [1,256,256,3] RGB in [-1,1]; 896 anchors with logits and box regressors.</summary>
public sealed class BlazeFaceDetector : IDisposable, IWindowDetector
{
    public const string FileName = "blazeface_back_256.onnx";
    private const int Size = 256;
    private static readonly (float[] X, float[] Y) Anchors = BuildAnchors();
    private readonly OnnxModel _model;

    public BlazeFaceDetector(string path, OnnxRuntimeOptions options, InferenceGate gate)
    {
        _model = new OnnxModel(
            path,
            options,
            gate,
            "input:0",
            [1, Size, Size, 3],
            ("Identity:0", [1, 512, 1]),
            ("Identity_1:0", [1, 384, 1]),
            ("Identity_2:0", [1, 512, 16]),
            ("Identity_3:0", [1, 384, 16]));
    }

    public string Name => "blazeface";

    public string Version => _model.Version;

    public int InputWidth => Size;

    public int InputHeight => Size;

    public float MinFace => 20;

    public float MaxFace => 190;

    List<FaceCandidate> IWindowDetector.Detect(ImagePyramid pyramid, CropWindow window, float threshold, CancellationToken cancellationToken)
    {
        var input = TensorFill.Rgb(pyramid, window, Size, Size, TensorLayout.Nhwc, 127.5f, 127.5f);
        var outputs = _model.Run(input, cancellationToken);
        var found = new List<FaceCandidate>();
        var logitThreshold = MathF.Log(threshold / (1 - threshold));
        Decode(outputs[0], outputs[2], 0, 512);
        Decode(outputs[1], outputs[3], 512, 384);
        return found;

        void Decode(float[] logits, float[] regressors, int anchorOffset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (logits[i] < logitThreshold)
                {
                    continue;
                }

                var r = i * 16;
                var cx = regressors[r] + (Anchors.X[anchorOffset + i] * Size);
                var cy = regressors[r + 1] + (Anchors.Y[anchorOffset + i] * Size);
                var w = regressors[r + 2];
                var h = regressors[r + 3];
                var score = 1f / (1f + MathF.Exp(-Math.Clamp(logits[i], -50f, 50f)));
                found.Add(new FaceCandidate(window.ToOriginal(cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2)), score, Name));
            }
        }
    }

    public void Dispose() => _model.Dispose();

    // 16x16 grid with 2 anchors a cell, then 8x8 with 6, centres at (col + 0.5) / grid.
    private static (float[] X, float[] Y) BuildAnchors()
    {
        var xs = new List<float>();
        var yl = new List<float>();
        foreach (var (grid, perCell) in new[] { (16, 2), (8, 6) })
        {
            for (var row = 0; row < grid; row++)
            {
                for (var col = 0; col < grid; col++)
                {
                    for (var k = 0; k < perCell; k++)
                    {
                        xs.Add((col + 0.5f) / grid);
                        yl.Add((row + 0.5f) / grid);
                    }
                }
            }
        }

        return ([.. xs], [.. yl]);
    }
}
