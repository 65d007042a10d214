using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// The name analysis of one check: the words of every readable segment (visible text and alt text; link targets,
/// resources and code are not prose) and the roster names among them. Built once per check, on first use, and
/// handed to both name rules through <see cref="CheckContext.Names"/>: tokenising and matching cost a few
/// dictionary look-ups per word whatever the roster's size, and both rules must read the same matches.
/// </summary>
public sealed class NameMatches
{
    private readonly Dictionary<ParsedField, List<SegmentNames>> _byField;

    private NameMatches(Dictionary<ParsedField, List<SegmentNames>> byField) => _byField = byField;

    /// <summary>Reads every field of a check against its roster.</summary>
    public static NameMatches Build(IReadOnlyList<ParsedField> fields, RosterSnapshot roster)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(roster);
        var byField = new Dictionary<ParsedField, List<SegmentNames>>(ReferenceEqualityComparer.Instance);
        foreach (var field in fields)
        {
            byField[field] =
            [
                .. field.Segments
                    .Where(s => s.Kind is SegmentKind.Visible or SegmentKind.AltText && s.Text.Length > 0)
                    .Select(s => SegmentNames.Read(s, roster)),
            ];
        }

        return new NameMatches(byField);
    }

    /// <summary>The analysed segments of one field of the check, in order.</summary>
    internal IReadOnlyList<SegmentNames> Of(ParsedField field) =>
        _byField.TryGetValue(field, out var names) ? names : [];
}
