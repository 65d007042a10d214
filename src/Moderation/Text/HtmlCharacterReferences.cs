using AngleSharp.Html;

namespace Kusd.Moderation.Text;

/// <summary>Decodes one HTML character reference the way a browser does (WHATWG "character reference state").</summary>
internal static class HtmlCharacterReferences
{
    // The longest entity name in the HTML table is 32 characters ("CounterClockwiseContourIntegral;").
    private const int MaxNameLength = 32;

    // Numeric references in 0x80..0x9F mean Windows-1252 characters.
    private static readonly char[] Windows1252 =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    /// <summary>
    /// Decodes the reference that starts with the '&amp;' at <paramref name="at"/>; returns how many characters it
    /// spans, or 0 when the '&amp;' is just text.
    /// </summary>
    public static int TryDecode(ReadOnlySpan<char> text, int at, bool inAttribute, out string decoded)
    {
        decoded = string.Empty;
        var i = at + 1;
        if (i >= text.Length)
        {
            return 0;
        }

        return text[i] == '#' ? DecodeNumeric(text, at, out decoded) : DecodeNamed(text, at, inAttribute, out decoded);
    }

    private static int DecodeNumeric(ReadOnlySpan<char> text, int at, out string decoded)
    {
        decoded = string.Empty;
        var i = at + 2;
        var hex = i < text.Length && text[i] is 'x' or 'X';
        if (hex)
        {
            i++;
        }

        var digitsStart = i;
        long value = 0;
        while (i < text.Length && (hex ? char.IsAsciiHexDigit(text[i]) : char.IsAsciiDigit(text[i])))
        {
            // Saturate: the value only needs to be known to be out of range.
            value = Math.Min(value * (hex ? 16 : 10) + HexValue(text[i]), 0x110000);
            i++;
        }

        if (i == digitsStart)
        {
            return 0;
        }

        if (i < text.Length && text[i] == ';')
        {
            i++;
        }

        decoded = value switch
        {
            0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF) => "\uFFFD",
            >= 0x80 and <= 0x9F => Windows1252[value - 0x80].ToString(),
            _ => char.ConvertFromUtf32((int)value),
        };
        return i - at;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static int DecodeNamed(ReadOnlySpan<char> text, int at, bool inAttribute, out string decoded)
    {
        decoded = string.Empty;
        var start = at + 1;
        var i = start;
        while (i < text.Length && i - start < MaxNameLength && char.IsAsciiLetterOrDigit(text[i]))
        {
            i++;
        }

        if (i == start)
        {
            return 0;
        }

        var resolver = HtmlEntityProvider.Resolver;
        if (i < text.Length && text[i] == ';' && resolver.GetSymbol(string.Concat(text[start..i], ";")) is { } full)
        {
            decoded = full;
            return i + 1 - at;
        }

        // Legacy names (&amp, &copy, &nbsp...) also work without the semicolon, longest match first.
        for (var end = Math.Min(i, start + 6); end > start; end--)
        {
            if (resolver.GetSymbol(text[start..end].ToString()) is not { } legacy)
            {
                continue;
            }

            // In attribute values "&copy=1" in a URL query stays as written.
            if (inAttribute && end < text.Length && (text[end] == '=' || char.IsAsciiLetterOrDigit(text[end])))
            {
                return 0;
            }

            decoded = legacy;
            return end - at;
        }

        return 0;
    }
}
