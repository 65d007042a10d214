using System.Text.RegularExpressions;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>
/// What the repository decided about findings: rules switched off or re-levelled by the config, and
/// inline suppressions. A line holding <c>kusd-moderation-ignore RULE [RULE…]</c> suppresses those
/// rules on the next line. In Markdown and HTML write it as <c>&lt;!-- kusd-moderation-ignore RULE --&gt;</c>
/// (invisible when published); in plain text any form works (<c># …</c>, <c>// …</c>), since the file
/// is what the reader sees either way.
/// </summary>
internal sealed partial class FindingPolicy
{
    private readonly IReadOnlyDictionary<string, string> _levels;

    public FindingPolicy(IDictionary<string, string>? levels) =>
        _levels = levels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(levels, StringComparer.Ordinal);

    public static FindingPolicy None { get; } = new(null);

    public IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, string? text)
    {
        var suppressed = text is null ? null : Suppressions(text);
        var result = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            if (finding.Line is { } line && suppressed is not null && suppressed.TryGetValue(line, out var rules) && rules.Contains(finding.RuleId))
            {
                continue;
            }

            if (!_levels.TryGetValue(finding.RuleId, out var level))
            {
                result.Add(finding);
                continue;
            }

            // check/unavailable means "not checked": a config must not be able to hide that.
            if (level == "off" && finding.RuleId != RuleIds.CheckUnavailable)
            {
                continue;
            }

            result.Add(level switch
            {
                "error" => finding with { Severity = Severity.Error },
                "warning" => finding with { Severity = Severity.Warning },
                "note" => finding with { Severity = Severity.Note },
                _ => finding,
            });
        }

        return result;
    }

    /// <summary>Line number (1-based) to the rules suppressed on it.</summary>
    private static Dictionary<int, HashSet<string>>? Suppressions(string text)
    {
        if (!text.Contains("kusd-moderation-ignore", StringComparison.Ordinal))
        {
            return null;
        }

        var map = new Dictionary<int, HashSet<string>>();
        var lines = new LineMap(text);
        foreach (Match match in IgnorePattern().Matches(text))
        {
            var (line, _) = lines.Locate(match.Index);
            var rules = match.Groups[1].Value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (!map.TryGetValue(line + 1, out var set))
            {
                map[line + 1] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(rules);
        }

        return map;
    }

    [GeneratedRegex(@"kusd-moderation-ignore[ \t]+([a-z0-9/\-]+(?:[ \t,]+[a-z0-9/\-]+)*)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex IgnorePattern();
}
