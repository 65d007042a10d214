using System.ComponentModel.DataAnnotations;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Providers;
using Microsoft.Extensions.Configuration;

namespace Kusd.Moderation;

/// <summary>
/// The one options tree of the engine, read the same way by the API (appsettings.json, environment,
/// command line) and the CLI (<c>--settings FILE</c>), so that both build the same engine and one post
/// gets one verdict. Sections:
/// <c>Moderation</c> (<see cref="ModerationOptions"/>), <c>Moderation:Images</c> (<see cref="ImageRuleOptions"/>,
/// with the one set of image limits), <c>Faces</c> (<see cref="FaceOptions"/>), <c>FaceMatching</c>
/// (<see cref="FaceMatchOptions"/>) and <c>AzureContentSafety</c> (<see cref="AzureContentSafetyOptions"/>).
/// </summary>
public sealed class ModerationSettings
{
    public ModerationOptions Moderation { get; init; } = new();

    public ImageRuleOptions Images { get; init; } = new();

    public FaceOptions Faces { get; init; } = new();

    public FaceMatchOptions FaceMatching { get; init; } = new();

    public AzureContentSafetyOptions AzureContentSafety { get; init; } = new();

    /// <summary>Binds every section that is present; what is absent keeps the defaults in code.</summary>
    public static ModerationSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new ModerationSettings
        {
            Moderation = configuration.GetSection(ModerationOptions.SectionName).Get<ModerationOptions>() ?? new ModerationOptions(),
        };
        configuration.GetSection(ImageRuleOptions.SectionName).Bind(settings.Images);
        configuration.GetSection(FaceOptionsSection).Bind(settings.Faces);
        configuration.GetSection(FaceMatchOptions.SectionName).Bind(settings.FaceMatching);
        configuration.GetSection(AzureContentSafetyOptions.SectionName).Bind(settings.AzureContentSafety);
        return settings;
    }

    public const string FaceOptionsSection = "Faces";

    /// <summary>Every validation error of every section, each prefixed with its section; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Check(ModerationOptions.SectionName, Moderation);
        Check(ImageRuleOptions.SectionName, Images);
        Check(ImageRuleOptions.SectionName + ":Limits", Images.Limits);
        Check(FaceOptionsSection, Faces);
        Check(FaceMatchOptions.SectionName, FaceMatching);
        Check(AzureContentSafetyOptions.SectionName, AzureContentSafety);
        return errors;

        void Check(string section, object options)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            {
                errors.AddRange(results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
            }
        }
    }

    /// <summary>Throws with every error when the settings are not valid: a service must not start on bad settings.</summary>
    public ModerationSettings EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ValidationException("Invalid moderation settings: " + string.Join("; ", errors));
    }
}
