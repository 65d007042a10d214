using Kusd.Moderation.Models.Images;

namespace Kusd.Moderation.Images;

/// <summary>
/// The image half of the engine: the boundary that inspects and decodes each image once, the checkers
/// that read its pixels, the OCR stage that turns its text into a field for the text rules, and the
/// sanitizer that blurs what must not be published. Built by <see cref="ModerationEngineBuilder"/>.
/// </summary>
public sealed class ImagePipeline
{
    public ImagePipeline(ImageIntake intake, IReadOnlyList<IImageRule> rules, ImageTextStage? text = null, ImageSanitizer? sanitizer = null)
    {
        Intake = intake ?? throw new ArgumentNullException(nameof(intake));
        Rules = rules ?? throw new ArgumentNullException(nameof(rules));
        Text = text;
        Sanitizer = sanitizer;
    }

    /// <summary>Reads untrusted bytes within the limits; the only decoder of submitted images.</summary>
    public ImageIntake Intake { get; }

    public IReadOnlyList<IImageRule> Rules { get; }

    /// <summary>OCR, when text in images is read.</summary>
    public ImageTextStage? Text { get; }

    public ImageSanitizer? Sanitizer { get; }

    /// <summary>Model name to version of every image checker, as reported in verdicts.</summary>
    public IEnumerable<KeyValuePair<string, string>> Models =>
        Rules.SelectMany(r => r.Models).Concat(Text?.Models ?? new Dictionary<string, string>());
}
