using System.Collections.Frozen;

namespace Kusd.Moderation.Text;

/// <summary>
/// Pulls the text a reader sees, and the URLs and alternative texts in attributes, out of HTML, keeping the field
/// offset of every character.
/// </summary>
/// <remarks>
/// A single forward pass over the markup (a tokenizer after the WHATWG one, without tree building): AngleSharp's
/// DOM does not keep per-character source positions, and a flat pass has no recursion, so 100,000 nested elements
/// or a 5 MB field cost linear time and constant stack. What is read:
/// text outside tags, with character references decoded (one segment per run between block-level boundaries,
/// inline elements joined without separators, <c>&lt;br&gt;</c> as "\n"); <c>&lt;title&gt;</c> and
/// <c>&lt;textarea&gt;</c> text; and <c>&lt;noscript&gt;</c> content, parsed as markup, because readers with
/// scripts off see it and it is an easy place to hide text. Attributes: <c>a[href]</c> and <c>area[href]</c> are
/// links; what the page loads (<c>link[href]</c>, <c>script[src]</c>, <c>iframe[src]</c>, <c>form[action]</c>) is a
/// <see cref="SegmentKind.Resource"/>; <c>meta[content]</c> is read only for a description or title. Skipped as not shown: comments, <c>&lt;script&gt;</c>,
/// <c>&lt;style&gt;</c>, <c>&lt;template&gt;</c> (inert until a script clones it), <c>&lt;iframe&gt;</c>,
/// <c>&lt;noembed&gt;</c> and <c>&lt;noframes&gt;</c> fallback text.
/// </remarks>
internal sealed class HtmlTextExtractor
{
    private static readonly FrozenSet<string> BlockElements = FrozenSet.ToFrozenSet(
    [
        "address", "article", "aside", "audio", "blockquote", "body", "canvas", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr",
        "html", "iframe", "legend", "li", "link", "main", "menu", "meta", "nav", "noframes", "noscript", "object",
        "ol", "optgroup", "option", "p", "picture", "pre", "script", "search", "section", "select", "source",
        "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title", "tr",
        "track", "ul", "video", "xmp", "plaintext", "listing", "math", "svg",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> BlockLookup =
        BlockElements.GetAlternateLookup<ReadOnlySpan<char>>();

    // Elements whose content the tokenizer reads as raw text up to the matching end tag.
    private static readonly FrozenSet<string> SkippedRawText = FrozenSet.ToFrozenSet(
        ["script", "style", "xmp", "iframe", "noembed", "noframes"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> EscapableRawText = FrozenSet.ToFrozenSet(["title", "textarea"], StringComparer.Ordinal);

    private readonly string _text;
    private readonly int[]? _map;
    private readonly int _baseOffset;
    private readonly List<TextSegment> _output;
    private readonly bool _attributesOnly;
    private readonly SegmentBuilder _visible = new(SegmentKind.Visible);
    private readonly List<(int NameStart, int NameEnd, int ValueStart, int ValueEnd)> _attributes = [];
    private int _templateDepth;
    private int _preDepth;

    private HtmlTextExtractor(string text, int[]? map, int baseOffset, List<TextSegment> output, bool attributesOnly)
    {
        _text = text;
        _map = map;
        _baseOffset = baseOffset;
        _output = output;
        _attributesOnly = attributesOnly;
    }

    /// <summary>
    /// Extracts segments from <paramref name="text"/>. Character i of the text sits at field offset
    /// <c>map[i]</c> when a map is given (length text.Length + 1), else at <c>baseOffset + i</c>.
    /// </summary>
    public static void Extract(string text, List<TextSegment> output, int baseOffset = 0, int[]? map = null, bool attributesOnly = false)
    {
        var extractor = new HtmlTextExtractor(text, map, baseOffset, output, attributesOnly);
        extractor.Run();
    }

    /// <summary>Whether a lone tag ("&lt;br&gt;", "&lt;/p&gt;", "&lt;td&gt;") separates the text around it.</summary>
    public static bool BreaksLine(string tag)
    {
        var start = tag.StartsWith("</", StringComparison.Ordinal) ? 2 : tag.StartsWith('<') ? 1 : -1;
        if (start < 0 || start >= tag.Length || !char.IsAsciiLetter(tag[start]))
        {
            return false;
        }

        var end = start;
        while (end < tag.Length && !IsTagNameEnd(tag[end]))
        {
            end++;
        }

        var name = tag.AsSpan(start, end - start);
        return name.Equals("br", StringComparison.OrdinalIgnoreCase) || IsBlock(name);
    }

    private int Pos(int i) => _map is null ? _baseOffset + i : _map[i];

    private bool Skipping => _templateDepth > 0;

    private void Run()
    {
        var text = _text;
        var i = 0;
        while (i < text.Length)
        {
            var found = text.AsSpan(i).IndexOfAny('<', '&');
            var next = found < 0 ? text.Length : i + found;

            AppendVisible(i, next);
            i = next;
            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == '<')
            {
                var after = ReadMarkup(i);
                if (after > i)
                {
                    i = after;
                    continue;
                }

                AppendVisible(i, i + 1);
                i++;
            }
            else
            {
                i = AppendReference(_visible, i, inAttribute: false);
            }
        }

        FlushVisible();
    }

    private void AppendVisible(int start, int end)
    {
        if (Skipping || _attributesOnly)
        {
            return;
        }

        // Outside <pre> a browser shows a source line break as a space: only <br> and blocks break lines.
        var collapse = _preDepth == 0;
        if (_map is null)
        {
            _visible.AppendRun(_text.AsSpan(start, end - start), _baseOffset + start, collapse);
            return;
        }

        for (var i = start; i < end; i++)
        {
            var c = _text[i];
            _visible.Append(collapse && c is '\r' or '\n' or '\t' or '\f' ? ' ' : c, Pos(i), Pos(i + 1));
        }
    }

    // Decodes the reference at i (or keeps the '&' as text) and returns where reading continues.
    private int AppendReference(SegmentBuilder target, int i, bool inAttribute, int limit = -1)
    {
        var span = limit < 0 ? _text.AsSpan() : _text.AsSpan(0, limit);
        var length = HtmlCharacterReferences.TryDecode(span, i, inAttribute, out var decoded);
        var skip = target == _visible && (Skipping || _attributesOnly);
        if (length == 0)
        {
            if (!skip)
            {
                target.Append('&', Pos(i), Pos(i + 1));
            }

            return i + 1;
        }

        if (!skip)
        {
            target.Append(decoded, Pos(i), Pos(i + length));
        }

        return i + length;
    }

    private void FlushVisible() => _visible.FlushTo(_output);

    // Reads a tag, comment or declaration at the '<' at i; returns where text resumes, or i when the '<' is text.
    private int ReadMarkup(int i)
    {
        var text = _text;
        if (i + 1 >= text.Length)
        {
            return i;
        }

        var c = text[i + 1];
        if (char.IsAsciiLetter(c))
        {
            return ReadStartTag(i);
        }

        if (c == '/')
        {
            if (i + 2 < text.Length && char.IsAsciiLetter(text[i + 2]))
            {
                return ReadEndTag(i);
            }

            if (i + 2 < text.Length && text[i + 2] == '>')
            {
                return i + 3;
            }

            return SkipPast(i + 2, '>');
        }

        if (c == '!')
        {
            if (text.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                return SkipComment(i + 4);
            }

            if (text.AsSpan(i).StartsWith("<![CDATA[", StringComparison.Ordinal))
            {
                // CDATA only means something inside SVG/MathML, where its content is shown: read it as text.
                var end = text.IndexOf("]]>", i + 9, StringComparison.Ordinal);
                var stop = end < 0 ? text.Length : end;
                AppendVisible(i + 9, stop);
                return end < 0 ? text.Length : end + 3;
            }

            return SkipPast(i + 2, '>');
        }

        return c == '?' ? SkipPast(i + 2, '>') : i;
    }

    private int SkipPast(int from, char c)
    {
        var at = _text.IndexOf(c, Math.Min(from, _text.Length));
        return at < 0 ? _text.Length : at + 1;
    }

    private int SkipComment(int from)
    {
        var text = _text;
        if (from < text.Length && text[from] == '>')
        {
            return from + 1;
        }

        if (from + 1 < text.Length && text[from] == '-' && text[from + 1] == '>')
        {
            return from + 2;
        }

        var end = text.IndexOf("-->", from, StringComparison.Ordinal);
        var bang = text.IndexOf("--!>", from, StringComparison.Ordinal);
        if (bang >= 0 && (end < 0 || bang < end))
        {
            return bang + 4;
        }

        return end < 0 ? text.Length : end + 3;
    }

    private int ReadEndTag(int i)
    {
        var nameStart = i + 2;
        var nameEnd = ReadTagName(nameStart);
        var (after, _) = ReadAttributes(nameEnd);
        if (after < 0)
        {
            return _text.Length;
        }

        var name = _text.AsSpan(nameStart, nameEnd - nameStart);
        if (name.Equals("template", StringComparison.OrdinalIgnoreCase))
        {
            _templateDepth = Math.Max(0, _templateDepth - 1);
        }
        else if (name.Equals("pre", StringComparison.OrdinalIgnoreCase) || name.Equals("listing", StringComparison.OrdinalIgnoreCase))
        {
            _preDepth = Math.Max(0, _preDepth - 1);
        }

        if (!_attributesOnly && IsBlock(name))
        {
            FlushVisible();
        }

        return after;
    }

    private int ReadStartTag(int i)
    {
        var nameStart = i + 1;
        var nameEnd = ReadTagName(nameStart);
        var (after, _) = ReadAttributes(nameEnd);
        if (after < 0)
        {
            // A tag cut off by the end of the field is dropped, as browsers do; its attributes are still read.
            EmitAttributes(_text.AsSpan(nameStart, nameEnd - nameStart).ToString().ToLowerInvariant());
            return _text.Length;
        }

        var name = _text.AsSpan(nameStart, nameEnd - nameStart).ToString().ToLowerInvariant();
        if (!_attributesOnly && IsBlock(name))
        {
            FlushVisible();
        }

        if (name == "br" && !Skipping && !_attributesOnly)
        {
            _visible.Append('\n', Pos(i), Pos(after));
        }

        EmitAttributes(name);

        if (name is "pre" or "listing")
        {
            _preDepth++;
        }

        // Browsers ignore "/>" on these: "<script/>" still runs to "</script>".
        if (name == "template")
        {
            _templateDepth++;
            return after;
        }

        if (_attributesOnly)
        {
            return after;
        }

        if (name == "plaintext")
        {
            AppendVisible(after, _text.Length);
            return _text.Length;
        }

        if (SkippedRawText.Contains(name))
        {
            var end = FindEndTag(after, name);
            return end;
        }

        if (EscapableRawText.Contains(name))
        {
            var close = FindEndTagStart(after, name);
            var stop = close < 0 ? _text.Length : close;
            var j = after;
            while (j < stop)
            {
                var amp = _text.IndexOf('&', j, stop - j);
                var runEnd = amp < 0 ? stop : amp;
                AppendVisible(j, runEnd);
                j = amp < 0 ? stop : AppendReference(_visible, amp, inAttribute: false, limit: stop);
            }

            FlushVisible();
            return close < 0 ? _text.Length : SkipPast(close, '>');
        }

        return after;
    }

    private int ReadTagName(int from)
    {
        var text = _text;
        var i = from;
        while (i < text.Length && !IsTagNameEnd(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsTagNameEnd(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r' or '/' or '>';

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    // Reads attributes up to the closing '>' into _attributes; returns the position after '>' (or -1 at end of field).
    private (int After, bool SelfClosing) ReadAttributes(int from)
    {
        _attributes.Clear();
        var text = _text;
        var i = from;
        var selfClosing = false;
        while (true)
        {
            while (i < text.Length && (IsSpace(text[i]) || text[i] == '/'))
            {
                selfClosing = text[i] == '/';
                i++;
            }

            if (i >= text.Length)
            {
                return (-1, false);
            }

            if (text[i] == '>')
            {
                return (i + 1, selfClosing);
            }

            selfClosing = false;
            var nameStart = i;
            i++; // the first character may be '=', by the spec
            while (i < text.Length && !IsSpace(text[i]) && text[i] is not ('/' or '>' or '='))
            {
                i++;
            }

            var nameEnd = i;
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length || text[i] != '=')
            {
                _attributes.Add((nameStart, nameEnd, -1, -1));
                continue;
            }

            i++;
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return (-1, false);
            }

            if (text[i] is '"' or '\'')
            {
                var quote = text[i];
                var close = text.IndexOf(quote, i + 1);
                if (close < 0)
                {
                    _attributes.Add((nameStart, nameEnd, i + 1, text.Length));
                    return (-1, false);
                }

                _attributes.Add((nameStart, nameEnd, i + 1, close));
                i = close + 1;
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && !IsSpace(text[i]) && text[i] != '>')
                {
                    i++;
                }

                _attributes.Add((nameStart, nameEnd, valueStart, i));
            }
        }
    }

    private void EmitAttributes(string element)
    {
        if (Skipping)
        {
            return;
        }

        var publishedMeta = element == "meta" && IsPublishedMeta();
        foreach (var (nameStart, nameEnd, valueStart, valueEnd) in _attributes)
        {
            if (valueStart < 0)
            {
                continue;
            }

            var name = _text.AsSpan(nameStart, nameEnd - nameStart);
            var kind = AttributeKind(element, name, publishedMeta);
            if (kind is null)
            {
                continue;
            }

            if (name.Equals("style", StringComparison.OrdinalIgnoreCase))
            {
                EmitStyleUrls(valueStart, valueEnd);
            }
            else if (name.EndsWith("srcset", StringComparison.OrdinalIgnoreCase))
            {
                EmitSrcset(valueStart, valueEnd);
            }
            else
            {
                EmitValue(kind.Value, valueStart, valueEnd);
            }
        }
    }

    // <meta> content that readers see where the page is shared or listed: a description and a title. Other meta
    // content (viewport, generator, theme colours, site verification keys) is configuration.
    private static readonly FrozenSet<string> PublishedMetaNames = FrozenSet.ToFrozenSet(
    [
        "description", "og:title", "og:description", "og:image:alt", "twitter:title", "twitter:description",
        "twitter:image:alt", "author", "keywords",
    ], StringComparer.OrdinalIgnoreCase);

    private bool IsPublishedMeta()
    {
        foreach (var (nameStart, nameEnd, valueStart, valueEnd) in _attributes)
        {
            var name = _text.AsSpan(nameStart, nameEnd - nameStart);
            if (valueStart >= 0 && (name.Equals("name", StringComparison.OrdinalIgnoreCase) || name.Equals("property", StringComparison.OrdinalIgnoreCase))
                && PublishedMetaNames.Contains(_text[valueStart..valueEnd].Trim()))
            {
                return true;
            }
        }

        return false;
    }

    // What an attribute's value is. Only a[href] and area[href] are links a reader follows; what the page loads
    // (stylesheets, scripts, fonts, frames, form endpoints) is a resource, and images are image sources.
    private static SegmentKind? AttributeKind(string element, ReadOnlySpan<char> name, bool publishedMeta)
    {
        if (name.Length > 32)
        {
            return null;
        }

        Span<char> lower = stackalloc char[name.Length];
        name.ToLowerInvariant(lower);
        switch (lower)
        {
            case "href" or "xlink:href":
                return element switch
                {
                    "a" or "area" => SegmentKind.LinkTarget,
                    "image" or "img" => SegmentKind.ImageSource,
                    _ => SegmentKind.Resource,
                };
            case "src":
                return element is "iframe" or "frame" or "script" or "embed" ? SegmentKind.Resource : SegmentKind.ImageSource;
            case "cite" or "longdesc":
                return SegmentKind.LinkTarget;
            case "action" or "formaction" or "ping" or "manifest" or "codebase":
                return SegmentKind.Resource;
            case "srcset" or "data-srcset" or "data-src" or "poster" or "background" or "lowsrc" or "dynsrc" or "style":
                return SegmentKind.ImageSource;
            case "data":
                return element == "object" ? SegmentKind.ImageSource : null;
            case "alt" or "title" or "aria-label" or "aria-description" or "aria-roledescription" or "placeholder" or "label":
                return SegmentKind.AltText;
            case "value":
                // Button captions and pre-filled fields are shown on the page.
                return element is "input" or "button" or "option" or "li" or "data" ? SegmentKind.AltText : null;
            case "content":
                return element == "meta" && publishedMeta ? SegmentKind.AltText : null;
            default:
                return null;
        }
    }

    private void EmitValue(SegmentKind kind, int start, int end)
    {
        var builder = new SegmentBuilder(kind);
        var i = start;
        while (i < end)
        {
            if (_text[i] == '&')
            {
                i = AppendReference(builder, i, inAttribute: true, limit: end);
                continue;
            }

            builder.Append(_text[i], Pos(i), Pos(i + 1));
            i++;
        }

        builder.FlushTo(_output, trim: true);
    }

    // srcset is "url descriptor, url descriptor": each URL is its own segment.
    private void EmitSrcset(int start, int end)
    {
        var i = start;
        while (i < end)
        {
            while (i < end && (IsSpace(_text[i]) || _text[i] == ','))
            {
                i++;
            }

            var urlStart = i;
            while (i < end && !IsSpace(_text[i]))
            {
                i++;
            }

            // A URL may itself contain commas; only a trailing one separates candidates.
            var urlEnd = i;
            while (urlEnd > urlStart && _text[urlEnd - 1] == ',')
            {
                urlEnd--;
            }

            if (urlEnd > urlStart)
            {
                EmitValue(SegmentKind.ImageSource, urlStart, urlEnd);
            }

            if (urlEnd == i)
            {
                while (i < end && _text[i] != ',')
                {
                    i++;
                }
            }
        }
    }

    // Inline styles can pull in images: background-image: url(...).
    private void EmitStyleUrls(int start, int end)
    {
        var i = start;
        while (i < end)
        {
            var at = _text.AsSpan(i, end - i).IndexOf("url(", StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return;
            }

            var urlStart = i + at + 4;
            var close = _text.IndexOf(')', urlStart, end - urlStart);
            var urlEnd = close < 0 ? end : close;
            var s = urlStart;
            var e = urlEnd;
            while (s < e && (IsSpace(_text[s]) || _text[s] is '"' or '\''))
            {
                s++;
            }

            while (e > s && (IsSpace(_text[e - 1]) || _text[e - 1] is '"' or '\''))
            {
                e--;
            }

            if (e > s)
            {
                EmitValue(SegmentKind.ImageSource, s, e);
            }

            i = urlEnd + 1;
        }
    }

    private static bool IsBlock(ReadOnlySpan<char> name)
    {
        if (name.Length > 16)
        {
            return false;
        }

        Span<char> lower = stackalloc char[name.Length];
        name.ToLowerInvariant(lower);
        return BlockLookup.Contains(lower);
    }

    // Where "</name" closing a raw-text element starts, or -1.
    private int FindEndTagStart(int from, string name)
    {
        var text = _text;
        var i = from;
        while (i < text.Length)
        {
            var at = text.IndexOf("</", i, StringComparison.Ordinal);
            if (at < 0)
            {
                return -1;
            }

            var nameEnd = at + 2 + name.Length;
            if (nameEnd <= text.Length
                && text.AsSpan(at + 2, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase)
                && (nameEnd == text.Length || IsTagNameEnd(text[nameEnd])))
            {
                return at;
            }

            i = at + 2;
        }

        return -1;
    }

    // Skips a raw-text element's content and its end tag; returns where text resumes.
    private int FindEndTag(int from, string name)
    {
        var at = FindEndTagStart(from, name);
        if (at < 0)
        {
            return _text.Length;
        }

        var (after, _) = ReadAttributes(at + 2 + name.Length);
        if (IsBlock(name))
        {
            FlushVisible();
        }

        return after < 0 ? _text.Length : after;
    }
}
