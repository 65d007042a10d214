using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Explicit;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Ocr;
using Kusd.Moderation.Models.Onnx;
using Kusd.Moderation.Providers;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;

namespace Kusd.Moderation;

/// <summary>An engine and the models it owns, released together (at shutdown, or at the end of a CLI run).</summary>
public sealed class EngineHost : IDisposable
{
    private readonly List<IDisposable> _owned;

    internal EngineHost(ModerationEngine engine, FaceAnalyzer? faces, List<IDisposable> owned)
    {
        Engine = engine;
        Faces = faces;
        _owned = owned;
    }

    public ModerationEngine Engine { get; }

    /// <summary>The face pipeline, for enrolment; null when the engine was built without images.</summary>
    public FaceAnalyzer? Faces { get; }

    public void Dispose()
    {
        // Models before the inference gate they share.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }
}

/// <summary>
/// The composition root of the engine, and the one place that lists its checkers. The API, the CLI and
/// the tests build their engines here from one <see cref="ModerationSettings"/>, so the same post gets
/// the same verdict everywhere.
/// </summary>
public static class ModerationEngineBuilder
{
    /// <summary>The text rules of Rule 4226, in the order they run (each rule adds itself here).</summary>
    public static IReadOnlyList<IContentRule> CreateTextRules(ModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            new StudentNameRule(),
            new MediaRestrictionNameRule(),
            new ExplicitTextRule(),
            new SubstanceTextRule(),
            new EmailRule(),
            new LinkRule(),
            new FerpaRule(),
        ];
    }

    /// <param name="settings">The one options tree (validated here).</param>
    /// <param name="roster">The people the name rules know (a CSV for the CLI, the database for the API).</param>
    /// <param name="templates">Face templates of restricted students; null: none.</param>
    /// <param name="withImages">
    /// Load the image models (about a second and a few hundred MB). Without them images are never
    /// approved unseen: they get <c>check/unavailable</c>.
    /// </param>
    public static EngineHost Build(ModerationSettings settings, IRosterProvider roster, IFaceTemplateProvider? templates = null, bool withImages = true)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(roster);
        settings.EnsureValid();
        var rules = new List<IContentRule>(CreateTextRules(settings.Moderation));
        var owned = new List<IDisposable>();
        if (AzureContentSafetyRule.CreateIfConfigured(settings.AzureContentSafety) is { } azure)
        {
            owned.Add(azure);
            rules.Add(azure);
        }

        FaceAnalyzer? faces = null;
        ImagePipeline? images = null;
        try
        {
            if (withImages)
            {
                (images, faces) = BuildImages(settings, templates ?? NoFaceTemplates.Instance, owned);
            }
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }

        return new EngineHost(new ModerationEngine(rules, roster, settings.Moderation, images), faces, owned);
    }

    private static (ImagePipeline Images, FaceAnalyzer Faces) BuildImages(ModerationSettings settings, IFaceTemplateProvider templates, List<IDisposable> owned)
    {
        var options = settings.Images;

        // One set of image limits for the boundary and the face pipeline's own intake (enrolment).
        settings.Faces.Limits = options.Limits;
        settings.Faces.ModelsDirectory ??= options.ModelsDirectory;
        var intake = new ImageIntake(options.Limits);

        // One inference gate for every model: at most this many inferences run at once, whatever mix of checks.
        var gate = new InferenceGate(options.Runtime.MaxConcurrentInferences);
        owned.Add(gate);

        var faces = new FaceAnalyzer(settings.Faces, gate);
        owned.Add(faces);
        var rules = new List<IImageRule> { new FaceRule(faces, templates, settings.FaceMatching, settings.Faces.Embedder) };
        if (options.CheckExplicit)
        {
            var classifier = new ExplicitImageClassifier(options.ModelsDirectory, options.Runtime, gate);
            owned.Add(classifier);
            rules.Add(new ExplicitImageRule(classifier, options.Explicit));
        }

        if (options.CheckMetadata)
        {
            rules.Add(new ImageMetadataRule(options.DistrictCreditNames));
        }

        ImageTextStage? text = null;
        if (options.ReadTextInImages)
        {
            options.Ocr.ModelsDirectory ??= options.ModelsDirectory;
            options.Ocr.Runtime = options.Runtime;
            var ocr = new OcrEngine(options.Ocr, gate);
            owned.Add(ocr);
            text = new ImageTextStage(ocr);
        }

        return (new ImagePipeline(intake, rules, text, new ImageSanitizer(options)), faces);
    }
}
