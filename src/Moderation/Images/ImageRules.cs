using Kusd.Moderation.Models.Explicit;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Metadata;
using Kusd.Moderation.Models.Ocr;
using Kusd.Moderation.Models.Onnx;
using Kusd.Moderation.Rules;

namespace Kusd.Moderation.Images;

/// <summary>The image checkers beyond faces and the sanitizer, with the models they own (dispose once, at shutdown).</summary>
public sealed class ImageRuleSet : IDisposable
{
    private readonly List<IDisposable> _owned;

    internal ImageRuleSet(IReadOnlyList<IContentRule> rules, ImageSanitizer sanitizer, List<IDisposable> owned)
    {
        Rules = rules;
        Sanitizer = sanitizer;
        _owned = owned;
    }

    /// <summary><c>explicit/image</c>, text in images and metadata checkers, as enabled by the options.</summary>
    public IReadOnlyList<IContentRule> Rules { get; }

    public ImageSanitizer Sanitizer { get; }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}

/// <summary>Builds the image checkers the API and CLI register next to the text rules and the face rule.</summary>
public static class ImageRules
{
    /// <summary>
    /// Loads the models the options enable. <paramref name="textRules"/> check the text read from images
    /// (default: <see cref="DefaultRules.CreateTextRules"/>).
    /// </summary>
    public static ImageRuleSet Create(ModerationOptions moderation, ImageRuleOptions? options = null, IReadOnlyList<IContentRule>? textRules = null)
    {
        ArgumentNullException.ThrowIfNull(moderation);
        options ??= new ImageRuleOptions();
        var intake = new ImageIntake(options.Limits);
        var owned = new List<IDisposable>();
        var rules = new List<IContentRule>();
        try
        {
            var gate = new InferenceGate(options.Runtime.MaxConcurrentInferences);
            owned.Add(gate);
            if (options.CheckExplicit)
            {
                var classifier = new ExplicitImageClassifier(options.ModelsDirectory, options.Runtime, gate);
                owned.Add(classifier);
                rules.Add(new ExplicitImageRule(classifier, intake, options.Explicit));
            }

            if (options.ReadTextInImages)
            {
                options.Ocr.ModelsDirectory ??= options.ModelsDirectory;
                options.Ocr.Runtime = options.Runtime;
                var ocr = new OcrEngine(options.Ocr, gate);
                owned.Add(ocr);
                rules.Add(new ImageTextRule(ocr, intake, textRules ?? DefaultRules.CreateTextRules(moderation)));
            }

            if (options.CheckMetadata)
            {
                rules.Add(new ImageMetadataRule(new ImageMetadataReader(intake), options.DistrictCreditNames));
            }
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }

        // The gate is disposed last, after the models that use it.
        owned.Reverse();
        return new ImageRuleSet(rules, new ImageSanitizer(intake, options), owned);
    }
}
