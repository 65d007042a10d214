using System.ComponentModel.DataAnnotations;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Models.Faces;

/// <summary>Which network turns an aligned face into an embedding.</summary>
public enum FaceEmbedderKind
{
    /// <summary>fr_feature.onnx, 512-d, ArcFace 112x112 alignment.</summary>
    ArcFace,

    /// <summary>dlib_resnet34_128.onnx, 128-d, dlib 150x150 chip.</summary>
    Dlib,

    /// <summary>Both, each with a test-time flip, fused into one 640-d vector (<see cref="FusedEmbedder"/>).</summary>
    Fused,
}

/// <summary>Which detector proposes faces over the image pyramid; every proposal is then confirmed by UltraFace on a crop.</summary>
public enum FaceDetectorKind
{
    UltraFace,
    BlazeFace,
    Both,
}

/// <summary>Options of the face pipeline. Thresholds carry the evaluation run that chose them.</summary>
public sealed class FaceOptions
{
    /// <summary>Folder of the .onnx files; null resolves it with <see cref="ModelPaths"/>.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>
    /// Fused (ArcFace + dlib, flips) by default: the people Rule 4226 protects are children, and on
    /// the children's development set (<c>children</c> evaluation, 2026-12-01) it misses the fewest
    /// restricted children at per-photo FAR 2% (one enrolment photo: 45.0% found against ArcFace's
    /// 41.9% with the same cohort centring and 32.6% as before; pairwise TAR at FAR 1% 54.3% against
    /// 52.1%). On adults (/work/shared/eval/faces, 16 identities, 55 genuine and 1,177 impostor pairs)
    /// it matches ArcFace: TAR 100% at FAR 0.1%, EER 0%. It costs about 2.5x ArcFace's embedding
    /// time. Changing the embedder changes <see cref="IFaceAnalyzer.EmbedderId"/>: templates
    /// enrolled under another embedder are not compared, so restricted students must be re-enrolled.
    /// </summary>
    public FaceEmbedderKind Embedder { get; set; } = FaceEmbedderKind.Fused;

    /// <summary>
    /// UltraFace by default: on the same run UltraFace, BlazeFace and both found 23 of 23 faces in the
    /// group photos and none in the no-face photos; UltraFace needs about a third of the CPU.
    /// </summary>
    public FaceDetectorKind Detector { get; set; } = FaceDetectorKind.UltraFace;

    public OnnxRuntimeOptions Runtime { get; set; } = new();

    public ImageLimits Limits { get; set; } = new();

    /// <summary>
    /// Smallest face (short side, pixels of the image as submitted) the pyramid is sized to find.
    /// Evaluation collage (group photos on a 12 MP canvas): 21 of 23 faces found at a median face of
    /// 24 px, 23 of 23 at 32 px.
    /// </summary>
    [Range(8, 1000)]
    public int MinFacePixels { get; set; } = 24;

    /// <summary>Upper bound on detector tiles per image; smaller faces are given up first to stay within it.</summary>
    [Range(1, 10_000)]
    public int MaxTiles { get; set; } = 160;

    /// <summary>UltraFace score to keep a face (research note: about 0.7).</summary>
    [Range(0.0, 1.0)]
    public float UltraFaceThreshold { get; set; } = 0.7f;

    /// <summary>BlazeFace score (after sigmoid) to propose a face.</summary>
    [Range(0.0, 1.0)]
    public float BlazeFaceThreshold { get; set; } = 0.6f;

    /// <summary>
    /// Faces whose short side is below this cannot be recognised reliably. Probes shrunk to N px
    /// matched their enrolment (ArcFace, threshold 0.45) at 14% for 16 px, 79% for 24 px, 94% for
    /// 32 px, 97% for 40 px and full size 96%: 32 px loses little.
    /// </summary>
    [Range(1, 1000)]
    public int MinRecognizableFacePixels { get; set; } = 32;

    /// <summary>
    /// Variance of the Laplacian of the aligned 112 px grey chip below which a face is too blurred.
    /// Faces in the evaluation photos scored 30-660; 15 only turns away chips with almost no detail.
    /// </summary>
    [Range(0.0, 100_000.0)]
    public float MinSharpness { get; set; } = 15f;

    /// <summary>
    /// Faces turned further than this (estimated from landmarks) are not recognisable. Every
    /// identity photo of the evaluation set stayed within it; a strong profile did not.
    /// </summary>
    [Range(0.0, 90.0)]
    public float MaxYawDegrees { get; set; } = 50f;

    /// <summary>Evaluation only: align dlib chips to the ArcFace template scaled to 150 px instead of dlib's own.</summary>
    internal bool DlibWithArcFaceTemplate { get; set; }
}
