using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Ocr;
using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Images;

/// <summary>
/// Cut-offs on the nsfwjs MobileNetV2 probabilities. Evidence: all 101 benign photos available here
/// (the 13 package photos of tests/data/fetch-photos.sh and the 88 photos of the shared face evaluation
/// set: portraits, groups of clothed adults in party and evening wear, a cat, text pages, blank images),
/// scored exactly as nsfwjs does (bilinear, align corners). With these values none is rejected and
/// 1 of 101 (1.0 %) goes to review.
/// </summary>
public sealed class ExplicitImageThresholds
{
    /// <summary>
    /// Porn at or above this rejects. Highest benign Porn is 0.561 (a head-and-shoulders portrait); the
    /// next 0.143. nsfwjs scores explicit photos 0.9 and up, so 0.85 leaves a wide benign margin.
    /// </summary>
    public double RejectPorn { get; set; } = 0.85;

    /// <summary>Hentai (explicit drawings) at or above this rejects. Highest benign Hentai is 0.010.</summary>
    public double RejectHentai { get; set; } = 0.85;

    /// <summary>Porn + Hentai at or above this rejects (the model split between the two). Highest benign sum 0.571.</summary>
    public double RejectPornPlusHentai { get; set; } = 0.9;

    /// <summary>
    /// Porn + Hentai at or above this (uncertain) goes to review. Benign: 1 of 101 reaches it (0.571, the
    /// portrait above); the next highest is 0.143.
    /// </summary>
    public double ReviewPornPlusHentai { get; set; } = 0.5;

    /// <summary>
    /// Sexy ("suggestive", not explicit) alone only goes to review above this, never rejects. Clothed
    /// adults in group photos and portraits score up to 0.952 (sample2 0.950, a portrait 0.952; seven
    /// benign photos are above 0.7), so anything lower would send ordinary photos of people to review.
    /// </summary>
    public double ReviewSexy { get; set; } = 0.98;
}

/// <summary>Settings of the image checkers beyond faces and of sanitized images.</summary>
public sealed class ImageRuleOptions
{
    public const string SectionName = "Moderation:Images";

    /// <summary>Folder of the model files; null finds it as <see cref="ModelPaths"/> does.</summary>
    public string? ModelsDirectory { get; set; }

    public bool CheckExplicit { get; set; } = true;

    /// <summary>Read text inside images (OCR) and check it with the text rules.</summary>
    public bool ReadTextInImages { get; set; } = true;

    public bool CheckMetadata { get; set; } = true;

    public ExplicitImageThresholds Explicit { get; set; } = new();

    public OcrOptions Ocr { get; set; } = new();

    public ImageLimits Limits { get; set; } = new();

    public OnnxRuntimeOptions Runtime { get; set; } = new();

    /// <summary>
    /// Names that mark the district as the rights holder or credit (case-insensitive, anywhere in the
    /// value); the district's domains (<see cref="ModerationOptions.DistrictDomains"/>) count too.
    /// </summary>
    public IList<string> DistrictCreditNames { get; set; } = ["Kenosha Unified School District", "KUSD"];

    /// <summary>Also blur faces that could not be checked against the roster (<c>face/unverified</c>).</summary>
    public bool BlurUnverifiedFaces { get; set; }

    /// <summary>
    /// The mask is the face box scaled by this about its centre: detector boxes stop at the hairline and
    /// jaw, and face anonymisers grow them by 20-40 % so ears, hair and chin go too.
    /// </summary>
    public double FaceMaskScale { get; set; } = 1.3;

    /// <summary>Quality of re-encoded JPEGs (PNG input stays PNG).</summary>
    public int JpegQuality { get; set; } = 90;
}
