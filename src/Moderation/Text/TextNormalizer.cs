using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Kusd.Moderation.Text;

/// <summary>
/// Folds text for matching while keeping a map back to the original offsets: NFKC, case folding,
/// invisible characters dropped, diacritics dropped, and common Cyrillic/Greek/Latin look-alikes folded to ASCII.
/// </summary>
/// <remarks>
/// Folding works one code point at a time (the fold of each code point is computed once and cached), so every
/// normalised character maps to exactly one source character. Because combining marks are dropped anyway, the
/// only thing lost against whole-string NFKC is composition across characters (Hangul jamo, halfwidth kana with
/// voicing marks), which matters little for the English-language rules this feeds.
/// </remarks>
public static class TextNormalizer
{
    // One slot per BMP code point, filled on first sight. Races only write equal strings, so no lock is needed.
    private static readonly string?[] BmpFolds = new string?[0x10000];
    private static readonly ConcurrentDictionary<int, string> AstralFolds = new();

    /// <summary>Normalises a segment's text; never throws, whatever the text (lone surrogates included).</summary>
    public static NormalizedText Normalize(TextSegment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var (value, map) = Fold(segment.Text);
        return new NormalizedText(segment, value, map);
    }

    /// <summary>The folded form of a string on its own, without the map (word lists, roster names).</summary>
    public static string FoldString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Fold(text.AsSpan()).Value;
    }

    private static (string Value, int[] Map) Fold(ReadOnlySpan<char> text)
    {
        if (IsPlainAscii(text))
        {
            return FoldAscii(text);
        }

        var capacity = text.Length + 16;
        var chars = ArrayPool<char>.Shared.Rent(capacity);
        var map = ArrayPool<int>.Shared.Rent(capacity);
        var n = 0;
        try
        {
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                int width;
                string? fold;
                var single = '\0';
                if (c < 0x80)
                {
                    width = 1;
                    fold = null;
                    if (IsInvisibleAscii(c))
                    {
                        fold = WordBoundary(map, n, text, i + 1) ? " " : string.Empty;
                    }
                    else
                    {
                        single = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
                    }
                }
                else if (c == '\uFFFD')
                {
                    // An undecodable byte shows as a visible mark between words ("Liam \uFFFD Nowak" reads
                    // as a name with a smudge in it): a space, so the name's words stay next to each other.
                    width = 1;
                    fold = " ";
                }
                else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    width = 2;
                    fold = FoldAstral(char.ConvertToUtf32(c, text[i + 1]));
                }
                else
                {
                    width = 1;
                    fold = BmpFolds[c] ??= ComputeFold(char.IsSurrogate(c) ? "\uFFFD" : c.ToString());
                    if (fold.Length == 0 && WordBoundary(map, n, text, i + 1))
                    {
                        fold = " ";
                    }
                }

                var needed = fold?.Length ?? 1;
                if (n + needed + 1 > chars.Length)
                {
                    Grow(ref chars, ref map, n, n + needed + 1);
                }

                if (fold is null)
                {
                    chars[n] = single;
                    map[n++] = i;
                }
                else
                {
                    foreach (var f in fold)
                    {
                        chars[n] = f;
                        map[n++] = i;
                    }
                }

                i += width;
            }

            var value = new string(chars, 0, n);
            var result = new int[n + 1];
            Array.Copy(map, result, n);
            result[n] = text.Length;
            return (value, result);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<int>.Shared.Return(map);
        }
    }

    private static void Grow(ref char[] chars, ref int[] map, int used, int needed)
    {
        var size = Math.Max(needed, chars.Length * 2);
        var newChars = ArrayPool<char>.Shared.Rent(size);
        var newMap = ArrayPool<int>.Shared.Rent(size);
        Array.Copy(chars, newChars, used);
        Array.Copy(map, newMap, used);
        ArrayPool<char>.Shared.Return(chars);
        ArrayPool<int>.Shared.Return(map);
        chars = newChars;
        map = newMap;
    }

    private static bool IsPlainAscii(ReadOnlySpan<char> text)
    {
        if (!Ascii.IsValid(text))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (IsInvisibleAscii(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether an invisible character (a control, a zero-width character) stands where a reader sees two
    /// words: after a small letter and before a capital, as in "Liam\u0000Nowak", read "LiamNowak". There it
    /// splits; anywhere else it joins ("Em\u200Bma" is Emma), so hiding it inside a word hides nothing.
    /// </summary>
    private static bool WordBoundary(int[] map, int n, ReadOnlySpan<char> text, int next) =>
        n > 0 && char.IsLower(text[map[n - 1]]) && next < text.Length && char.IsUpper(text[next]);

    // Control characters other than whitespace render as nothing, so they can hide inside a word.
    private static bool IsInvisibleAscii(char c) => (c < 0x20 && c is not ('\t' or '\n' or '\v' or '\f' or '\r')) || c == 0x7F;

    private static (string Value, int[] Map) FoldAscii(ReadOnlySpan<char> text)
    {
        var map = new int[text.Length + 1];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = i;
        }

        var value = string.Create(text.Length, text, static (dest, src) => Ascii.ToLower(src, dest, out _));
        return (value, map);
    }

    private static string FoldAstral(int codePoint) =>
        AstralFolds.TryGetValue(codePoint, out var fold)
            ? fold
            : AstralFolds.GetOrAdd(codePoint, static cp => ComputeFold(char.ConvertFromUtf32(cp)));

    // The fold of one code point, given as a well-formed string of one or two UTF-16 units.
    private static string ComputeFold(string codePoint)
    {
        var cp = char.ConvertToUtf32(codePoint, 0);
        if (IsInvisible(cp))
        {
            return string.Empty;
        }

        if (codePoint.Length == 1 && Homoglyphs.TryGetValue(codePoint[0], out var direct))
        {
            return direct;
        }

        var compatible = SafeNormalize(codePoint, NormalizationForm.FormKC);
        var sb = new StringBuilder(compatible.Length + 2);
        foreach (var c in compatible)
        {
            if (Homoglyphs.TryGetValue(c, out var mapped))
            {
                sb.Append(mapped);
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (lower == 'ß')
            {
                // Full case folding: "Straße" and "STRASSE" are the same word.
                sb.Append("ss");
                continue;
            }

            var decomposed = SafeNormalize(lower.ToString(), NormalizationForm.FormD);
            foreach (var d in decomposed)
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(d);
                if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark || IsInvisible(d))
                {
                    continue;
                }

                sb.Append(Homoglyphs.TryGetValue(d, out var m) ? m : d.ToString());
            }
        }

        // Recompose what survived (Hangul syllables decompose under NFD and must come back whole).
        return SafeNormalize(sb.ToString(), NormalizationForm.FormC);
    }

    private static string SafeNormalize(string s, NormalizationForm form)
    {
        try
        {
            return s.Normalize(form);
        }
        catch (ArgumentException)
        {
            // Ill-formed or unassigned input: keep it as it is rather than fail the post.
            return s;
        }
    }

    private static bool IsInvisible(int cp)
    {
        if (cp < 0x80)
        {
            return IsInvisibleAscii((char)cp);
        }

        switch (cp)
        {
            case 0x0085: // next line: whitespace, keep
                return false;
            case 0x034F: // combining grapheme joiner
            case 0x115F or 0x1160 or 0x3164 or 0xFFA0: // Hangul fillers render blank
            case 0x17B4 or 0x17B5: // Khmer inherent vowels, invisible
            case >= 0x180B and <= 0x180F: // Mongolian variation selectors
            case >= 0xFE00 and <= 0xFE0F: // variation selectors
            case >= 0xE0100 and <= 0xE01EF: // variation selectors supplement
            case >= 0xE0000 and <= 0xE007F: // tags
                return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.Format or UnicodeCategory.Control;
    }

    // Letters that look like ASCII letters but are not folded to them by NFKC or by dropping marks.
    // Upper case is listed separately where the capital and small forms resemble different ASCII letters
    // (Greek capital Mu looks like M, small mu like u).
    private static readonly FrozenDictionary<char, string> Homoglyphs = new Dictionary<char, string>
    {
        // Cyrillic
        ['А'] = "a", ['а'] = "a", ['В'] = "b", ['в'] = "b", ['Е'] = "e", ['е'] = "e", ['Ё'] = "e", ['ё'] = "e",
        ['К'] = "k", ['к'] = "k", ['М'] = "m", ['м'] = "m", ['Н'] = "h", ['н'] = "h", ['О'] = "o", ['о'] = "o",
        ['Р'] = "p", ['р'] = "p", ['С'] = "c", ['с'] = "c", ['Т'] = "t", ['т'] = "t", ['У'] = "y", ['у'] = "y",
        ['Х'] = "x", ['х'] = "x", ['Ѕ'] = "s", ['ѕ'] = "s", ['І'] = "i", ['і'] = "i", ['Ї'] = "i", ['ї'] = "i",
        ['Ј'] = "j", ['ј'] = "j", ['Ԁ'] = "d", ['ԁ'] = "d", ['Һ'] = "h", ['һ'] = "h", ['Ӏ'] = "l", ['ӏ'] = "l",
        ['Ԛ'] = "q", ['ԛ'] = "q", ['Ԝ'] = "w", ['ԝ'] = "w", ['Ү'] = "y", ['ү'] = "y", ['Ь'] = "b", ['ь'] = "b",
        ['п'] = "n", ['г'] = "r", ['и'] = "u", ['Ш'] = "w", ['ш'] = "w", ['Ԍ'] = "g", ['ԍ'] = "g",
        ['Ɩ'] = "l",

        // Greek
        ['Α'] = "a", ['α'] = "a", ['Β'] = "b", ['β'] = "b", ['Ε'] = "e", ['ε'] = "e", ['Ζ'] = "z", ['Η'] = "h",
        ['η'] = "n", ['Ι'] = "i", ['ι'] = "i", ['Κ'] = "k", ['κ'] = "k", ['Μ'] = "m", ['μ'] = "u", ['Ν'] = "n",
        ['ν'] = "v", ['Ο'] = "o", ['ο'] = "o", ['Ρ'] = "p", ['ρ'] = "p", ['Τ'] = "t", ['τ'] = "t", ['Υ'] = "y",
        ['υ'] = "u", ['Χ'] = "x", ['χ'] = "x", ['ϲ'] = "c", ['Ϲ'] = "c", ['ϳ'] = "j", ['ς'] = "σ",
        ['µ'] = "u",

        // Typographic quotes and dashes, so "Emma’s" and "Emma's" or "Smith–Jones" and "Smith-Jones" read alike
        ['\u2018'] = "'", ['\u2019'] = "'", ['\u201A'] = "'", ['\u201B'] = "'", ['\u2032'] = "'", ['\u02BC'] = "'",
        ['\u201C'] = "\"", ['\u201D'] = "\"", ['\u201E'] = "\"", ['\u201F'] = "\"", ['\u2033'] = "\"",
        ['\u2010'] = "-", ['\u2011'] = "-", ['\u2012'] = "-", ['\u2013'] = "-", ['\u2014'] = "-", ['\u2015'] = "-",
        ['\u2212'] = "-", ['\u2043'] = "-",

        // Latin letters that do not decompose, small capitals and IPA look-alikes
        ['ı'] = "i", ['ȷ'] = "j", ['ɑ'] = "a", ['ɡ'] = "g", ['ɩ'] = "i", ['ʋ'] = "u", ['ɾ'] = "r", ['ɪ'] = "i",
        ['ø'] = "o", ['Ø'] = "o", ['đ'] = "d", ['Đ'] = "d", ['ł'] = "l", ['Ł'] = "l", ['ħ'] = "h", ['Ħ'] = "h",
        ['ŧ'] = "t", ['Ŧ'] = "t", ['ð'] = "d", ['Ð'] = "d", ['ƀ'] = "b", ['ɨ'] = "i", ['ƶ'] = "z", ['ȥ'] = "z",
        ['æ'] = "ae", ['Æ'] = "ae", ['œ'] = "oe", ['Œ'] = "oe", ['þ'] = "th", ['Þ'] = "th", ['ẞ'] = "ss",
        ['ᴀ'] = "a", ['ʙ'] = "b", ['ᴄ'] = "c", ['ᴅ'] = "d", ['ᴇ'] = "e", ['ɢ'] = "g", ['ʜ'] = "h", ['ᴊ'] = "j",
        ['ᴋ'] = "k", ['ʟ'] = "l", ['ᴍ'] = "m", ['ɴ'] = "n", ['ᴏ'] = "o", ['ᴘ'] = "p", ['ʀ'] = "r", ['ꜱ'] = "s",
        ['ᴛ'] = "t", ['ᴜ'] = "u", ['ᴠ'] = "v", ['ᴡ'] = "w", ['ʏ'] = "y", ['ᴢ'] = "z",
    }.ToFrozenDictionary();
}
