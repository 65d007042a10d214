using Kusd.Moderation.Rules;

namespace Kusd.Moderation;

/// <summary>The text rules alone, for tests and tools that check text only; the list lives in <see cref="ModerationEngineBuilder"/>.</summary>
public static class DefaultRules
{
    public static IReadOnlyList<IContentRule> CreateTextRules(ModerationOptions options) => ModerationEngineBuilder.CreateTextRules(options);
}
