using Kusd.Moderation.Api.Checks;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Providers;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Storage;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Infrastructure;

public static class EngineExtensions
{
    /// <summary>The same engine the CLI runs: the text rules of Rule 4226, and the face rule over the roster database.</summary>
    public static IServiceCollection AddModerationEngine(this IServiceCollection services)
    {
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FaceMatchOptions>().BindConfiguration(FaceMatchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ModerationOptions>>().Value);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ModerationOptions>();
            var textRules = DefaultRules.CreateTextRules(options);
            var images = sp.GetRequiredService<ImageRuleSet>();
            var rules = new List<IContentRule>(textRules);
            rules.AddRange(sp.GetServices<IContentRule>());
            rules.AddRange(images.Rules);
            var azure = AzureContentSafetyRule.CreateIfConfigured(sp.GetRequiredService<IOptions<AzureContentSafetyOptions>>().Value);
            if (azure is not null)
            {
                rules.Add(azure);
            }

            return new ModerationEngine(rules, sp.GetRequiredService<RosterDatabase>(), options, images.Sanitizer);
        });
        services.AddSingleton<IdempotencyCache>();

        // The optional cloud check: off unless an endpoint and key are configured.
        services.AddOptions<AzureContentSafetyOptions>().BindConfiguration(AzureContentSafetyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // explicit/image, text inside images (OCR), metadata, and sanitized images.
        services.AddOptions<ImageRuleOptions>().BindConfiguration(ImageRuleOptions.SectionName).ValidateOnStart();
        services.AddSingleton(sp => ImageRules.Create(
            sp.GetRequiredService<ModerationOptions>(),
            sp.GetRequiredService<IOptions<ImageRuleOptions>>().Value));

        // The face pipeline: models load once, fail fast at start-up when a file is missing or wrong.
        services.AddOptions<Models.Faces.FaceOptions>().BindConfiguration("Faces").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Models.Faces.FaceAnalyzer>(sp => new Models.Faces.FaceAnalyzer(sp.GetRequiredService<IOptions<Models.Faces.FaceOptions>>().Value));
        services.AddSingleton<Models.Faces.IFaceAnalyzer>(sp => sp.GetRequiredService<Models.Faces.FaceAnalyzer>());
        services.AddSingleton<IContentRule>(sp => new FaceRule(
            sp.GetRequiredService<Models.Faces.IFaceAnalyzer>(),
            sp.GetRequiredService<RosterDatabase>(),
            sp.GetRequiredService<IOptions<FaceMatchOptions>>().Value,
            sp.GetRequiredService<IOptions<Models.Faces.FaceOptions>>().Value.Embedder));
        services.AddSingleton(sp => new FaceEnrollment(sp.GetRequiredService<Models.Faces.IFaceAnalyzer>(), sp.GetRequiredService<RosterDatabase>()));
        services.AddHostedService<EngineWarmup>();
        return services;
    }
}
