using System.Collections.Frozen;

namespace Kusd.Moderation.Text;

/// <summary>
/// The front matter of a Markdown page (YAML between <c>---</c> lines, or TOML between <c>+++</c> lines), as
/// static site generators (Jekyll, Hugo, Eleventy) read it. Only the fields a site publishes are text to check:
/// titles, descriptions, summaries, captions, alt text, the author, and the page sections some themes keep there
/// ("content: |" blocks). An absolute web address in any field is a link the page shows (a hero button, a menu
/// entry). Layouts, paths, dates, permalinks and settings are configuration, not content.
/// </summary>
internal static class FrontMatter
{
    // Keys compared lower case with '-' and '_' removed ("image_alt" = "imagealt"), at any depth
    // ("hero: callout: text:" is published on the page).
    private static readonly FrozenSet<string> PublishedKeys = FrozenSet.ToFrozenSet(
    [
        "title", "subtitle", "description", "summary", "excerpt", "caption", "captions", "alt", "alttext", "imagealt",
        "intro", "tagline", "text", "heading", "subheading", "lead", "teaser", "author", "authors", "headline",
        "label", "name", "content", "body", "message", "callout", "quote", "bio",
    ], StringComparer.Ordinal);

    private static readonly string[] MediaKeyParts =
        ["image", "img", "thumbnail", "cover", "photo", "picture", "banner", "icon", "logo", "avatar", "video", "src", "background"];

    /// <summary>
    /// Where the front matter ends (0 when the page has none); its published values are added to
    /// <paramref name="output"/> as visible text, each mapped to its place in the page.
    /// </summary>
    public static int Read(string source, List<TextSegment> output)
    {
        ArgumentNullException.ThrowIfNull(source);
        var fence = source.StartsWith("---", StringComparison.Ordinal) ? "---" : source.StartsWith("+++", StringComparison.Ordinal) ? "+++" : null;
        if (fence is null)
        {
            return 0;
        }

        var firstLineEnd = LineEnd(source, 0);
        if (source.AsSpan(fence.Length, firstLineEnd - fence.Length).Trim().Length != 0)
        {
            return 0; // "--- text" is a Markdown line, not a fence.
        }

        var toml = fence == "+++";
        var lines = new List<(int Start, int End)>();
        var position = Next(source, firstLineEnd);
        var end = -1;
        while (position < source.Length)
        {
            var lineEnd = LineEnd(source, position);
            var line = source.AsSpan(position, lineEnd - position).TrimEnd();
            if (line.SequenceEqual(fence) || (!toml && line.SequenceEqual("...")))
            {
                end = Next(source, lineEnd);
                break;
            }

            lines.Add((position, lineEnd));
            position = Next(source, lineEnd);
        }

        if (end < 0)
        {
            return 0; // No closing fence: a thematic break, read as Markdown.
        }

        EmitPublished(source, lines, toml, output);
        return end;
    }

    private static void EmitPublished(string source, List<(int Start, int End)> lines, bool toml, List<TextSegment> output)
    {
        // The indentation of the published key whose block value or list is being read, or -1.
        var blockIndent = -1;
        for (var n = 0; n < lines.Count; n++)
        {
            var (start, end) = lines[n];
            var indent = 0;
            while (start + indent < end && source[start + indent] is ' ' or '\t')
            {
                indent++;
            }

            var content = start + indent;
            if (content >= end || source[content] == '#')
            {
                continue;
            }

            if (blockIndent >= 0)
            {
                if (indent > blockIndent || (source[content] == '-' && indent == blockIndent))
                {
                    var itemStart = source[content] == '-' ? content + 1 : content;
                    if (!IsKeyLine(source, itemStart, end, toml, out _, out _))
                    {
                        EmitValue(source, itemStart, end, output);
                        continue;
                    }
                }
                else
                {
                    blockIndent = -1;
                }
            }

            var keyStart = source[content] == '-' && !toml ? SkipSpaces(source, content + 1, end) : content;
            if (!IsKeyLine(source, keyStart, end, toml, out var key, out var valueStart))
            {
                continue;
            }

            var value = source.AsSpan(valueStart, end - valueStart).Trim();
            if (!PublishedKeys.Contains(key))
            {
                if (value.Trim("\"'").StartsWith("http", StringComparison.OrdinalIgnoreCase) || value.Trim("\"'").StartsWith("//", StringComparison.Ordinal))
                {
                    EmitValue(source, valueStart, end, output, IsMediaKey(key) ? SegmentKind.ImageSource : SegmentKind.LinkTarget);
                }

                continue;
            }

            if (value.Length == 0 || value is "|" or ">" or "|-" or ">-" or "|+" or ">+")
            {
                blockIndent = indent;
                continue;
            }

            EmitValue(source, valueStart, end, output);
        }
    }

    // "image: https://..." is a picture the page shows, not a link a reader follows.
    private static bool IsMediaKey(string key) =>
        MediaKeyParts.Any(part => key.Contains(part, StringComparison.Ordinal));

    // "key: value" (YAML) or "key = value" (TOML); the key folded for look-up.
    private static bool IsKeyLine(string source, int start, int end, bool toml, out string key, out int valueStart)
    {
        key = string.Empty;
        valueStart = end;
        var separator = toml ? '=' : ':';
        var at = source.IndexOf(separator, start, end - start);
        if (at <= start)
        {
            return false;
        }

        var rawKey = source.AsSpan(start, at - start).Trim().Trim("\"'");
        foreach (var c in rawKey)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        // "title: x" needs a space after the colon in YAML; "http://x" is not a key.
        if (!toml && at + 1 < end && source[at + 1] is not (' ' or '\t'))
        {
            return false;
        }

        key = rawKey.ToString().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var dot = key.LastIndexOf('.');
        if (dot >= 0)
        {
            key = key[(dot + 1)..];
        }

        valueStart = at + 1;
        return true;
    }

    private static void EmitValue(string source, int start, int end, List<TextSegment> output, SegmentKind kind = SegmentKind.Visible)
    {
        var s = SkipSpaces(source, start, end);
        var e = end;
        while (e > s && char.IsWhiteSpace(source[e - 1]))
        {
            e--;
        }

        if (e - s >= 2 && source[s] is '"' or '\'' && source[e - 1] == source[s])
        {
            s++;
            e--;
        }

        if (e <= s)
        {
            return;
        }

        var builder = new SegmentBuilder(kind);
        for (var i = s; i < e; i++)
        {
            builder.Append(source[i], i, i + 1);
        }

        builder.FlushTo(output, trim: true);
    }

    private static int SkipSpaces(string source, int i, int end)
    {
        while (i < end && source[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static int LineEnd(string source, int from)
    {
        var at = source.IndexOf('\n', from);
        var end = at < 0 ? source.Length : at;
        return end > from && source[end - 1] == '\r' ? end - 1 : end;
    }

    private static int Next(string source, int lineEnd)
    {
        if (lineEnd < source.Length && source[lineEnd] == '\r')
        {
            lineEnd++;
        }

        return lineEnd < source.Length && source[lineEnd] == '\n' ? lineEnd + 1 : lineEnd;
    }
}
