using Kusd.Moderation.Rules;

namespace Kusd.Moderation;

/// <summary>The checkers of Rule 4226 that need nothing but text and the roster.</summary>
public static class DefaultRules
{
    public static IReadOnlyList<IContentRule> CreateTextRules(ModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            // Each rule adds itself here.
            new StudentNameRule(),
            new MediaRestrictionNameRule(),
            new ExplicitTextRule(),
            new SubstanceTextRule(),
            new EmailRule(),
            new LinkRule(),
            new FerpaRule(),
        ];
    }
}
