using System.Globalization;
using System.Text;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Roster;

/// <summary>What separates a word from the one before it, as far as names care.</summary>
internal enum NameGap
{
    /// <summary>Start of the text, or punctuation that ends a name (period, colon, brackets...).</summary>
    Break,

    /// <summary>Spaces, one line break, or a hyphen joining two parts ("Smith-Jones").</summary>
    Space,

    /// <summary>A comma ("Kowalski, Emma").</summary>
    Comma,

    /// <summary>A period then space ("Mr. Nowak", "Emma R. Kowalski"): joins only after titles and initials.</summary>
    Period,

    /// <summary>Only white space, with two or more line breaks ("Evelyn&lt;br&gt;\nBrooks" decodes so): joins roster names only.</summary>
    Lines,
}

/// <summary>
/// A word of normalised text. <see cref="Key"/> is lower case, diacritics folded, apostrophes removed
/// ("O’Brien" and "OBrien" are both <c>obrien</c>). A possessive word ("Kowalski's", "Kowalskis'") also
/// has <see cref="PossessiveKey"/> (<c>kowalski</c>) and <see cref="BaseEnd"/>, where the name part ends.
/// Offsets are in the normalised text.
/// </summary>
internal readonly record struct NameToken(
    int Start, int End, int BaseEnd, string Key, string? PossessiveKey, NameGap GapBefore, bool TitleCase, bool Upper)
{
    public bool IsInitial => Key.Length == 1 && char.IsLetter(Key[0]);

    /// <summary>True for "'s" possessives, whose suffix stays outside a name's span; false for plural "s'".</summary>
    public bool SuffixAfterBase => PossessiveKey is not null && BaseEnd < End && End - BaseEnd == 2;
}

/// <summary>Splits normalised text into word tokens once per segment; name rules look tokens up in dictionaries.</summary>
internal static class NameTokenizer
{
    public static List<NameToken> Tokenize(NormalizedText normalized)
    {
        var text = normalized.Value;
        var source = normalized.Segment.Text;
        var map = normalized.ToSegment;
        var tokens = new List<NameToken>();
        var key = new StringBuilder();
        var i = 0;
        var previousEnd = 0;
        while (i < text.Length)
        {
            if (!IsWordChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            key.Clear();
            var apostropheAt = -1;
            while (i < text.Length)
            {
                var c = text[i];
                if (IsWordChar(c))
                {
                    key.Append(c);
                    i++;
                }
                else if (IsApostrophe(c) && i + 1 < text.Length && char.IsLetter(text[i + 1]) && key.Length > 0)
                {
                    apostropheAt = i;
                    i++;
                }
                else
                {
                    break;
                }
            }

            var end = i;
            var baseEnd = end;
            string? possessive = null;
            var k = Fold(key);
            if (apostropheAt >= 0 && apostropheAt == end - 2 && (text[end - 1] is 's' or 'S'))
            {
                // "Kowalski's": the name ends at the apostrophe.
                baseEnd = apostropheAt;
                possessive = k[..^1];
            }
            else if (end < text.Length && IsApostrophe(text[end]) && (text[end - 1] is 's' or 'S')
                     && (end + 1 == text.Length || !char.IsLetter(text[end + 1])))
            {
                // "Kowalskis'": plural possessive; the apostrophe belongs to the word.
                possessive = k[..^1];
                baseEnd = end - 1;
                end++;
                i++;
            }

            var first = source.Length > 0 ? source[Math.Min(map[start], source.Length - 1)] : ' ';
            var upper = IsAllUpper(source, map[start], map[Math.Min(baseEnd, text.Length)]);
            tokens.Add(new NameToken(start, end, baseEnd, k, possessive, Gap(text, previousEnd, start, tokens.Count == 0), char.IsUpper(first), upper));
            previousEnd = end;
        }

        return tokens;
    }

    /// <summary>The keys of a name as written on the roster ("Garcia-Lopez" is two keys).</summary>
    public static List<string> Keys(string name)
    {
        var segment = TextSegment.Identity(SegmentKind.Visible, name);
        return [.. Tokenize(segment.Normalized).Select(t => t.Key)];
    }

    public static string Fold(string word) => Fold(new StringBuilder(word));

    private static string Fold(StringBuilder word)
    {
        var ascii = true;
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] > 0x7f)
            {
                ascii = false;
                break;
            }
        }

        var s = word.ToString().ToLowerInvariant();
        if (ascii)
        {
            return s;
        }

        // The normaliser folds diacritics too; doing it again here keeps roster keys and text keys equal
        // whatever the normaliser's version.
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(c switch { 'ł' => 'l', 'ø' => 'o', 'đ' => 'd', 'ß' => 's', _ => c });
            }
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    private static NameGap Gap(string text, int from, int to, bool first)
    {
        if (first)
        {
            return NameGap.Break;
        }

        var gap = text.AsSpan(from, to - from);
        var newlines = 0;
        var commas = 0;
        var periods = 0;
        var hyphens = 0;
        foreach (var c in gap)
        {
            switch (c)
            {
                case '\n':
                    newlines++;
                    break;
                case ',':
                    commas++;
                    break;
                case '.':
                    periods++;
                    break;
                case '-' or '\u2010' or '\u2011':
                    hyphens++;
                    break;
                default:
                    if (!char.IsWhiteSpace(c))
                    {
                        return NameGap.Break;
                    }

                    break;
            }
        }

        if (commas + periods + hyphens > 1 || (newlines > 1 && commas + periods + hyphens > 0))
        {
            return NameGap.Break;
        }

        if (newlines > 1)
        {
            return NameGap.Lines;
        }

        if (hyphens == 1)
        {
            // "Smith-Jones" joins; " - " is a dash between phrases.
            return gap.Length == 1 ? NameGap.Space : NameGap.Break;
        }

        return commas == 1 ? NameGap.Comma : periods == 1 ? (gap.Length > 1 && gap[0] == '.' ? NameGap.Period : NameGap.Break) : NameGap.Space;
    }

    private static bool IsAllUpper(string source, int from, int to)
    {
        var letters = 0;
        for (var i = from; i < to && i < source.Length; i++)
        {
            if (char.IsLetter(source[i]))
            {
                if (!char.IsUpper(source[i]))
                {
                    return false;
                }

                letters++;
            }
        }

        return letters > 1;
    }

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u02bc' or '\u2018' or '`';
}
