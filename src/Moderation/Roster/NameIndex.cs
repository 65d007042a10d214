using System.Text;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Roster;

/// <summary>How a roster person's name appears in text.</summary>
public enum NameForm
{
    /// <summary>Given (or preferred) then family: "Emma Kowalski", "Em Kowalski".</summary>
    Full,

    /// <summary>Family, comma, given: "Kowalski, Emma", or without the comma as class lists write it.</summary>
    Reversed,

    /// <summary>Given (or preferred) then the family initial: "Liam N." or "Liam N".</summary>
    GivenInitial,
}

/// <summary>One way a person can be named, as indexed.</summary>
internal readonly record struct NameEntry(int Person, NameForm Form, int GivenTokens, int FamilyTokens);

/// <summary>A roster name found in a segment: tokens [First, Last], maybe with a middle token skipped.</summary>
internal sealed record NameMatch(int First, int Last, int SkippedMiddle, bool Possessive, IReadOnlyList<NameEntry> Entries);

/// <summary>
/// Every name form of every roster person, keyed by the phrase of token keys ("emma kowalski",
/// "kowalski , emma", "liam n"). Built once per roster snapshot. Matching a segment costs a few dictionary
/// look-ups per word, whatever the roster's size: no loop over people.
/// </summary>
public sealed class NameIndex
{
    private const int MaxPhraseTokens = 8;

    private readonly Dictionary<string, List<NameEntry>> _phrases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NameEntry>>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly HashSet<string> _firstKeys = new(StringComparer.Ordinal);

    public NameIndex(Roster roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        People = roster.People;

        // Given and family names repeat across a district; tokenise each distinct one once.
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string> KeysOf(string name) => keys.TryGetValue(name, out var k) ? k : keys[name] = NameTokenizer.Keys(name);
        for (var p = 0; p < People.Count; p++)
        {
            var person = People[p];
            var family = KeysOf(person.FamilyName);
            if (family.Count == 0)
            {
                continue;
            }

            List<List<string>> givens = [KeysOf(person.GivenName)];
            if (!string.IsNullOrWhiteSpace(person.PreferredName))
            {
                givens.Add(KeysOf(person.PreferredName));
            }

            foreach (var given in givens.Where(g => g.Count > 0))
            {
                var full = string.Join(' ', given.Concat(family));
                Add(full, new NameEntry(p, NameForm.Full, given.Count, family.Count));
                Add(string.Join(' ', family) + " , " + string.Join(' ', given), new NameEntry(p, NameForm.Reversed, given.Count, family.Count));

                // Class lists sorted by surname drop the comma: "Kowalski Emma".
                Add(string.Join(' ', family.Concat(given)), new NameEntry(p, NameForm.Reversed, given.Count, family.Count));
                if (person.IsStudent && person.MediaRestriction)
                {
                    Add(string.Join(' ', given) + " " + family[0][0], new NameEntry(p, NameForm.GivenInitial, given.Count, 1));
                }
            }
        }

        _lookup = _phrases.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal IReadOnlyList<Person> People { get; }

    /// <summary>Number of indexed phrases (for benchmarks).</summary>
    public int PhraseCount => _phrases.Count;

    /// <summary>Roster names in a segment's tokens, longest first at each position, not overlapping.</summary>
    internal List<NameMatch> Match(IReadOnlyList<NameToken> tokens)
    {
        var matches = new List<NameMatch>();
        var buffer = new StringBuilder(64);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_firstKeys.Contains(tokens[i].Key))
            {
                continue;
            }

            var found = Longest(tokens, i, -1, buffer);
            if (found is null && i + 2 < tokens.Count && IsMiddle(tokens, i + 1))
            {
                // "Emma Rose Kowalski", "Emma R. Kowalski": a middle name is not on the roster; skip one word.
                var withMiddle = Longest(tokens, i, i + 1, buffer);
                List<NameEntry> entries = withMiddle is null ? [] : [.. withMiddle.Entries.Where(e => e.Form == NameForm.Full && e.GivenTokens == 1)];
                found = entries.Count > 0 ? withMiddle! with { Entries = entries } : null;
            }

            if (found is not null)
            {
                matches.Add(found);
                i = found.Last;
            }
        }

        return matches;
    }

    private static bool IsMiddle(IReadOnlyList<NameToken> tokens, int i) =>
        tokens[i].GapBefore == NameGap.Space && tokens[i].TitleCase && tokens[i].PossessiveKey is null
        && (tokens[i + 1].GapBefore == NameGap.Space || (tokens[i].IsInitial && tokens[i + 1].GapBefore == NameGap.Period));

    private NameMatch? Longest(IReadOnlyList<NameToken> tokens, int first, int skip, StringBuilder buffer)
    {
        NameMatch? best = null;
        buffer.Clear().Append(tokens[first].Key);
        var count = 1;
        for (var j = first + 1; j < tokens.Count && count < MaxPhraseTokens; j++)
        {
            var t = tokens[j];
            if (j == skip)
            {
                continue;
            }

            var gap = j == skip + 1 && skip >= 0 ? tokens[skip].GapBefore : t.GapBefore;
            if (gap == NameGap.Period && tokens[j - 1].Key.Length <= 3 && j - 1 != skip)
            {
                gap = NameGap.Space; // "Abby St. James": an abbreviation inside a name.
            }

            if (gap is not (NameGap.Space or NameGap.Comma or NameGap.Lines))
            {
                break;
            }

            if (tokens[j - 1].PossessiveKey is not null && j - 1 != skip)
            {
                break; // "Emma's Kowalski" is not a name.
            }

            buffer.Append(gap == NameGap.Comma ? " , " : " ");
            var length = buffer.Length;
            count++;
            if (Find(buffer.Append(t.Key)) is { } exact)
            {
                best = new NameMatch(first, j, skip, false, exact);
            }
            else if (t.PossessiveKey is not null && Find(buffer.Remove(length, buffer.Length - length).Append(t.PossessiveKey)) is { } possessive)
            {
                best = new NameMatch(first, j, skip, true, possessive);
            }

            buffer.Remove(length, buffer.Length - length).Append(t.Key);
        }

        return best;
    }

    private List<NameEntry>? Find(StringBuilder phrase)
    {
        Span<char> chars = phrase.Length <= 256 ? stackalloc char[phrase.Length] : new char[phrase.Length];
        phrase.CopyTo(0, chars, phrase.Length);
        return _lookup.TryGetValue(chars, out var entries) ? entries : null;
    }

    private void Add(string phrase, NameEntry entry)
    {
        if (!_phrases.TryGetValue(phrase, out var list))
        {
            _phrases[phrase] = list = [];
            _firstKeys.Add(phrase[..Math.Max(phrase.IndexOf(' ', StringComparison.Ordinal), 1)]);
        }

        list.Add(entry);
    }
}
