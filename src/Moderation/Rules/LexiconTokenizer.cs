using System.Buffers;
using System.Globalization;
using System.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// Splits normalised text into word tokens for <see cref="Lexicon"/>, undoing the disguises people use
/// to slip words past filters. The normaliser already folds case, homoglyphs and invisible characters;
/// this adds what it must not do for every rule: leetspeak, spaced-out letters, masking stars.
/// </summary>
internal static class LexiconTokenizer
{
    private const int MinSpelledOutLetters = 3;

    private static readonly SearchValues<char> Letters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ");

    public static List<LexiconToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var raw = new List<(int Start, int End)>();
        var i = 0;
        while (i < text.Length)
        {
            if (i + 1 < text.Length && char.IsSurrogatePair(text[i], text[i + 1]))
            {
                // An emoji is a word of its own: 🍺 beside "IPA" says which IPA is meant.
                raw.Add((i, i + 2));
                i += 2;
                continue;
            }

            if (!StartsToken(text, i))
            {
                i++;
                continue;
            }

            var start = i++;
            while (i < text.Length && ContinuesToken(text, i))
            {
                i++;
            }

            var end = i;
            while (end > start + 1 && (text[end - 1] is '!' or '@' or '\'' or '\u2019' || IsInvisible(text[end - 1])))
            {
                end--;
            }

            raw.Add((start, end));
        }

        var tokens = new List<LexiconToken>(raw.Count);
        var sentence = 0;
        var paragraph = 0;
        var previousEnd = 0;
        var builder = new StringBuilder();
        for (var r = 0; r < raw.Count; r++)
        {
            var (start, end) = raw[r];
            var last = r;
            // Spelled-out letters: p.o.r.n, p o r n, s-e-x, D.A.R.E.
            while (end - start == 1 && last + 1 < raw.Count && raw[last + 1].End - raw[last + 1].Start == 1
                   && raw[last].End - raw[last].Start == 1 && IsSpellingGap(text, raw[last].End, raw[last + 1].Start))
            {
                last++;
            }

            bool joined;
            if (last - r + 1 >= MinSpelledOutLetters)
            {
                end = raw[last].End;
                joined = true;
            }
            else
            {
                last = r;
                joined = false;
            }

            // An emoji after "!" still belongs to the sentence it ends, so boundaries wait for the next word.
            var emoji = end - start == 2 && char.IsSurrogatePair(text[start], text[start + 1]);
            if (!emoji)
            {
                CountBoundaries(text, previousEnd, start, ref sentence, ref paragraph);
            }

            string word;
            if (joined)
            {
                builder.Clear();
                for (var k = r; k <= last; k++)
                {
                    builder.Append(text, raw[k].Start, raw[k].End - raw[k].Start);
                }

                word = builder.ToString();
            }
            else
            {
                word = text[start..end];
            }

            tokens.Add(!joined && IsPlain(word)
                ? new LexiconToken(start, end, word, Lexicon.Collapse(word), false, sentence, paragraph, null)
                : Fold(word, start, end, joined, sentence, paragraph));
            previousEnd = emoji ? previousEnd : end;
            r = last;
        }

        return tokens;
    }

    // Most words need no folding: all letters, or all digits (420 stays 420).
    private static bool IsPlain(string word) =>
        !word.AsSpan().ContainsAnyExcept(Letters) || !word.AsSpan().ContainsAnyExceptInRange('0', '9');

    private static LexiconToken Fold(string raw, int start, int end, bool joined, int sentence, int paragraph)
    {
        var hasLetter = false;
        foreach (var c in raw)
        {
            hasLetter |= char.IsLetter(c);
        }

        var disguised = joined;
        var key = new StringBuilder(raw.Length);
        var masked = new StringBuilder(raw.Length);
        var interiorStar = false;
        for (var k = 0; k < raw.Length; k++)
        {
            var c = raw[k];
            if (IsInvisible(c))
            {
                // A zero-width character inside a word hides it from naive filters.
                disguised = true;
                continue;
            }

            if (c is '\'' or '\u2019')
            {
                // Possessives and contractions: Dick's -> dick, who're -> who, don't -> dont.
                if (raw.AsSpan(k + 1) is "s" or "re" or "ll" or "ve" or "d" or "m")
                {
                    break;
                }

                continue;
            }

            var folded = hasLetter ? Leet(c) : c;
            disguised |= folded != c;
            if (folded == '*')
            {
                interiorStar |= k > 0 && k < raw.Length - 1;
                masked.Append('*');
                continue;
            }

            key.Append(folded);
            masked.Append(folded);
        }

        var keyText = key.ToString();
        var maskedText = masked.Length != key.Length ? masked.ToString() : null;
        return new LexiconToken(start, end, keyText, Lexicon.Collapse(keyText), disguised || interiorStar, sentence, paragraph, maskedText);
    }

    private static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' => 'i',
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' => 't',
        _ => c,
    };

    private static bool StartsToken(string text, int i) =>
        char.IsLetterOrDigit(text[i])
        || (text[i] is '@' or '$' && i + 1 < text.Length && char.IsLetter(text[i + 1]));

    private static bool ContinuesToken(string text, int i)
    {
        var c = text[i];
        if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark || IsInvisible(c))
        {
            return true;
        }

        if (c is '@' or '$' or '*' or '!')
        {
            // Inside or at the end of a word (a$$, f*ck, sh!t); a '!' at the end is trimmed later.
            return true;
        }

        return c is '\'' or '\u2019' && i + 1 < text.Length && char.IsLetter(text[i + 1]);
    }

    // Zero-width spaces, joiners and soft hyphens, in case the normaliser left any.
    private static bool IsInvisible(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static bool IsSpellingGap(string text, int from, int to)
    {
        if (to - from is < 1 or > 2)
        {
            return false;
        }

        for (var k = from; k < to; k++)
        {
            if (text[k] is not (' ' or '.' or '-' or '_' or '*' or '/' or '|' or ',' or '+' or '~' or '\u00b7' or '\u2022'))
            {
                return false;
            }
        }

        return true;
    }

    private static void CountBoundaries(string text, int from, int to, ref int sentence, ref int paragraph)
    {
        var newlines = 0;
        var ends = false;
        for (var k = from; k < to; k++)
        {
            switch (text[k])
            {
                case '\n':
                    newlines++;
                    ends = true;
                    break;
                case '.' or '!' or '?' or ';':
                    ends = true;
                    break;
            }
        }

        if (ends)
        {
            sentence++;
        }

        if (newlines >= 2)
        {
            paragraph++;
        }
    }
}
