using System.Diagnostics;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kusd.Moderation.Models.Faces;

/// <summary>
/// The face pipeline: limited decode, pyramid detection, UltraFace confirmation on a crop around
/// each proposal, 68-point landmarks, 5-point alignment, quality, and an embedding for every
/// recognisable face. Thread-safe; meant to be a singleton.
/// </summary>
public sealed class FaceAnalyzer : IFaceAnalyzer, IDisposable
{
    private const float NmsIou = 0.3f;
    private readonly FaceOptions _options;
    private readonly ImageIntake _intake;
    private readonly InferenceGate _gate;
    private readonly UltraFaceDetector _ultraFace;
    private readonly BlazeFaceDetector? _blazeFace;
    private readonly FaceLandmarker _landmarker;
    private readonly IFaceEmbedder _embedder;

    private readonly bool _ownsGate;

    /// <param name="gate">The inference gate shared with the other models of the engine; null makes one of its own.</param>
    public FaceAnalyzer(FaceOptions? options = null, InferenceGate? gate = null)
    {
        _options = options ?? new FaceOptions();
        _intake = new ImageIntake(_options.Limits);
        _ownsGate = gate is null;
        _gate = gate ?? new InferenceGate(_options.Runtime.MaxConcurrentInferences);
        var dir = ModelPaths.ResolveDirectory(_options.ModelsDirectory);
        var runtime = _options.Runtime;
        var loaded = new List<IDisposable>();
        try
        {
            _ultraFace = Track(new UltraFaceDetector(Path.Combine(dir, UltraFaceDetector.FileName), runtime, _gate));
            if (_options.Detector != FaceDetectorKind.UltraFace)
            {
                _blazeFace = Track(new BlazeFaceDetector(Path.Combine(dir, BlazeFaceDetector.FileName), runtime, _gate));
            }

            _landmarker = Track(new FaceLandmarker(Path.Combine(dir, FaceLandmarker.FileName), runtime, _gate));
            _embedder = _options.Embedder switch
            {
                FaceEmbedderKind.Dlib => Track(new DlibEmbedder(
                    Path.Combine(dir, DlibEmbedder.FileName),
                    runtime,
                    _gate,
                    _options.DlibWithArcFaceTemplate ? FaceAlignment.ArcFace112.Select(p => new PointF32(p.X * 150f / 112f, p.Y * 150f / 112f)).ToArray() : FaceAlignment.Dlib150)),
                FaceEmbedderKind.Fused => Track(new FusedEmbedder(Path.Combine(dir, ArcFaceEmbedder.FileName), Path.Combine(dir, DlibEmbedder.FileName), runtime, _gate)),
                _ => Track(new ArcFaceEmbedder(Path.Combine(dir, ArcFaceEmbedder.FileName), runtime, _gate)),
            };
        }
        catch
        {
            loaded.ForEach(d => d.Dispose());
            if (_ownsGate)
            {
                _gate.Dispose();
            }

            throw;
        }

        var models = new Dictionary<string, string>
        {
            ["face-detector"] = _ultraFace.Version,
            ["face-landmarks"] = _landmarker.Version,
            ["face-embedder"] = _embedder.Version,
        };
        if (_blazeFace is not null)
        {
            models["face-proposals"] = _blazeFace.Version;
        }

        Models = models;

        T Track<T>(T model)
            where T : IDisposable
        {
            loaded.Add(model);
            return model;
        }
    }

    public IReadOnlyDictionary<string, string> Models { get; }

    public string EmbedderId => _embedder.Id;

    public int EmbeddingSize => _embedder.Size;

    public ImageIntake Intake => _intake;

    public FaceAnalysis Analyze(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var image = _intake.Decode(encodedImage, cancellationToken);
        var decodeMs = clock.Elapsed.TotalMilliseconds;
        var analysis = Analyze(image, cancellationToken);
        var timings = new Dictionary<string, double>(analysis.TimingsMs) { ["decode"] = decodeMs };
        timings["total"] += decodeMs;
        return analysis with { TimingsMs = timings };
    }

    public FaceAnalysis Analyze(Image<Rgb24> image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var timings = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var pyramid = new ImagePyramid(image);
        timings["pyramid"] = Lap(clock);

        var faces = Detect(pyramid, cancellationToken);
        timings["detect"] = Lap(clock);

        // Faces are independent: landmarks and embeddings run side by side (the inference gate bounds how
        // many at once), and each lands in its own slot, so the result is the same as one by one.
        var landmarks = new IReadOnlyList<PointF32>[faces.Count];
        Parallel.For(0, faces.Count, Parallelism(cancellationToken), i => landmarks[i] = _landmarker.FivePoints(pyramid, faces[i].Box, cancellationToken));
        timings["landmarks"] = Lap(clock);

        var results = new DetectedFace[faces.Count];
        Parallel.For(0, faces.Count, Parallelism(cancellationToken), i =>
        {
            var five = landmarks[i];
            var aligned = new AlignedFace(pyramid, five);
            var qualityChip = aligned.Chip(FaceAlignment.ArcFace112, 112);
            var quality = FaceQualityEstimator.Estimate(faces[i].Box, five, qualityChip, 112, _options);
            var embedding = quality.IsRecognizable ? _embedder.Embed(aligned, cancellationToken) : null;
            results[i] = new DetectedFace(faces[i].Box, faces[i].Score, five, quality, embedding);
        });

        timings["embed"] = Lap(clock);
        timings["total"] = total.Elapsed.TotalMilliseconds;
        return new FaceAnalysis(pyramid.Width, pyramid.Height, results, timings);
    }

    public void Dispose()
    {
        _ultraFace.Dispose();
        _blazeFace?.Dispose();
        _landmarker.Dispose();
        _embedder.Dispose();
        if (_ownsGate)
        {
            _gate.Dispose();
        }
    }

    private List<FaceCandidate> Detect(ImagePyramid pyramid, CancellationToken cancellationToken)
    {
        var proposals = new List<FaceCandidate>();
        if (_options.Detector != FaceDetectorKind.BlazeFace)
        {
            proposals.AddRange(PyramidDetection.Detect(pyramid, _ultraFace, _options.UltraFaceThreshold, _options.MinFacePixels, _options.MaxTiles, cancellationToken));
        }

        if (_blazeFace is not null)
        {
            proposals.AddRange(PyramidDetection.Detect(pyramid, _blazeFace, _options.BlazeFaceThreshold, _options.MinFacePixels, _options.MaxTiles, cancellationToken));
        }

        var suppressed = PyramidDetection.Suppress(proposals, NmsIou);
        var refined = new FaceCandidate?[suppressed.Count];
        Parallel.For(0, suppressed.Count, Parallelism(cancellationToken), i => refined[i] = Confirm(pyramid, suppressed[i], cancellationToken));
        return PyramidDetection.Suppress(refined.OfType<FaceCandidate>(), NmsIou);
    }

    /// <summary>
    /// Re-detects with UltraFace on a crop where the proposal is about 130 px wide: its box is the
    /// one the landmark model was trained on, and a BlazeFace proposal it does not confirm is dropped.
    /// </summary>
    private FaceCandidate? Confirm(ImagePyramid pyramid, FaceCandidate proposal, CancellationToken cancellationToken)
    {
        IWindowDetector ultra = _ultraFace;
        var side = Math.Max(proposal.Box.Width, proposal.Box.Height);
        var cx = proposal.Box.X + (proposal.Box.Width / 2);
        var cy = proposal.Box.Y + (proposal.Box.Height / 2);
        var scale = ultra.InputWidth / (2.4f * side);
        var window = new CropWindow(cx - (ultra.InputWidth / 2f / scale), cy - (ultra.InputHeight / 2f / scale), scale);
        FaceCandidate? best = null;
        var bestIou = 0.3f;
        foreach (var c in ultra.Detect(pyramid, window, _options.UltraFaceThreshold, cancellationToken))
        {
            var iou = PyramidDetection.IoU(c.Box, proposal.Box);
            if (iou > bestIou)
            {
                best = c;
                bestIou = iou;
            }
        }

        return best;
    }

    /// <summary>One photo uses every core: the person at the upload form waits for this one photo.</summary>
    internal static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };

    private static double Lap(Stopwatch clock)
    {
        var ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
