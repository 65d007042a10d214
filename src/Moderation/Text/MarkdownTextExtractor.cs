using Markdig;
using Markdig.Helpers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Kusd.Moderation.Text;

/// <summary>
/// Pulls visible text, link and image URLs, and alternative texts out of Markdown with Markdig, keeping the field
/// offset of every character. One visible segment per leaf block (paragraph, heading, table cell, code block), with
/// inlines joined so "**Emma** Kowalski" reads "Emma Kowalski"; raw HTML goes through <see cref="HtmlTextExtractor"/>.
/// Code spans and code blocks are <see cref="SegmentKind.Code"/>, not visible prose.
/// </summary>
internal sealed class MarkdownTextExtractor
{
    // Markdig's inline content is a copy of the source with escapes, entities and container markers removed;
    // each decoded character is found again in the source within this many characters of the previous one.
    private const int AlignWindow = 64;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePreciseSourceLocation()
        .UsePipeTables()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseListExtras()
        .UseFootnotes()
        .Build();

    private readonly string _source;
    private readonly List<TextSegment> _output;

    private MarkdownTextExtractor(string source, List<TextSegment> output)
    {
        _source = source;
        _output = output;
    }

    /// <summary>
    /// Parses Markdown; throws whatever Markdig throws (the caller falls back to plain text). Front matter gives
    /// its published fields (see <see cref="FrontMatter"/>); the rest of it is blanked, offsets unchanged, so that
    /// Markdig does not read settings as a heading.
    /// </summary>
    public static void Extract(string source, List<TextSegment> output)
    {
        var frontMatterEnd = FrontMatter.Read(source, output);
        if (frontMatterEnd > 0)
        {
            source = string.Create(source.Length, (source, frontMatterEnd), static (span, state) =>
            {
                state.source.AsSpan().CopyTo(span);
                for (var i = 0; i < state.frontMatterEnd; i++)
                {
                    if (span[i] is not ('\n' or '\r'))
                    {
                        span[i] = ' ';
                    }
                }
            });
        }

        var document = Markdown.Parse(source, Pipeline);
        new MarkdownTextExtractor(source, output).Walk(document);
    }

    // Blocks are walked with an explicit stack: nesting depth never reaches the call stack.
    private void Walk(MarkdownDocument document)
    {
        var stack = new Stack<Block>();
        stack.Push(document);
        while (stack.Count > 0)
        {
            var block = stack.Pop();
            switch (block)
            {
                case ContainerBlock container:
                    for (var i = container.Count - 1; i >= 0; i--)
                    {
                        stack.Push(container[i]);
                    }

                    break;
                case LinkReferenceDefinition definition:
                    EmitAligned(SegmentKind.LinkTarget, definition.Url, definition.UrlSpan);
                    EmitAligned(SegmentKind.AltText, definition.Title, definition.TitleSpan);
                    break;
                case HtmlBlock html:
                    ExtractHtmlLines(html);
                    break;
                case LeafBlock { Inline: { } inline }:
                    WalkInlines(inline);
                    break;
                case LeafBlock leaf:
                    EmitLines(leaf);
                    break;
            }
        }
    }

    private void WalkInlines(ContainerInline root)
    {
        var visible = new SegmentBuilder(SegmentKind.Visible);
        var stack = new Stack<(Inline? Node, SegmentBuilder Target)>();
        PushChildren(stack, root, visible);
        while (stack.Count > 0)
        {
            var (node, target) = stack.Pop();
            switch (node)
            {
                case null:
                    // End of an image: its alt text is complete.
                    target.FlushTo(_output);
                    break;
                case LiteralInline literal:
                    Align(target, literal.Content.AsSpan(), literal.Span);
                    break;
                case CodeInline code:
                    // Code is published but is not prose: its own segment, so "#103741" never reads as an ID.
                    EmitAligned(SegmentKind.Code, code.Content, code.Span);
                    break;
                case HtmlEntityInline entity:
                    target.Append(entity.Transcoded.ToString(), entity.Span.Start, entity.Span.End + 1);
                    break;
                case LineBreakInline lineBreak:
                    // A soft break renders as a space; only a hard break ends the line.
                    target.Append(lineBreak.IsHard ? '\n' : ' ', lineBreak.Span.Start, lineBreak.Span.Start + 1);
                    break;
                case AutolinkInline autolink:
                    Align(target, autolink.Url.AsSpan(), autolink.Span);
                    EmitAligned(SegmentKind.LinkTarget, autolink.Url, autolink.Span);
                    break;
                case HtmlInline html when IsSourceAt(html.Tag, html.Span.Start):
                    HtmlTextExtractor.Extract(html.Tag, _output, html.Span.Start, attributesOnly: true);

                    // "Evelyn<br>Brooks" or "Emma</td><td>Kowalski" are two lines to a reader, not one word.
                    if (HtmlTextExtractor.BreaksLine(html.Tag))
                    {
                        target.Append('\n', html.Span.Start, html.Span.End + 1);
                    }

                    break;
                case LinkInline link:
                    var urlKind = link.IsImage ? SegmentKind.ImageSource : SegmentKind.LinkTarget;
                    EmitAligned(urlKind, link.Url, link.UrlSpan, fallback: link.Span);

                    // A reference link's title has no span here; the definition reports it.
                    if (IsKnown(link.TitleSpan))
                    {
                        EmitAligned(SegmentKind.AltText, link.Title, link.TitleSpan);
                    }

                    if (link.IsImage)
                    {
                        var alt = new SegmentBuilder(SegmentKind.AltText);
                        stack.Push((null, alt));
                        PushChildren(stack, link, alt);
                    }
                    else
                    {
                        PushChildren(stack, link, target);
                    }

                    break;
                case ContainerInline container:
                    PushChildren(stack, container, target);
                    break;
            }
        }

        visible.FlushTo(_output);
    }

    private static void PushChildren(Stack<(Inline?, SegmentBuilder)> stack, ContainerInline container, SegmentBuilder target)
    {
        // Children are pushed last-first so they pop in document order.
        for (var child = container.LastChild; child is not null; child = child.PreviousSibling)
        {
            stack.Push((child, target));
        }
    }

    // Markdig leaves spans it did not record as (0, 0) or (0, -1); no URL, title or link is one character at offset 0.
    private static bool IsKnown(SourceSpan span) => span.End >= span.Start && span.End > 0;

    private bool IsSourceAt(string text, int start) =>
        start >= 0 && start + text.Length <= _source.Length && _source.AsSpan(start, text.Length).SequenceEqual(text);

    private void EmitAligned(SegmentKind kind, string? text, SourceSpan span, SourceSpan? fallback = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var builder = new SegmentBuilder(kind);
        if (IsKnown(span))
        {
            Align(builder, text, span);
        }
        else if (fallback is { } whole && IsKnown(whole))
        {
            // Where the text came from is unknown: every character covers the whole construct.
            builder.Append(text, whole.Start, Math.Min(whole.End + 1, _source.Length));
        }
        else
        {
            return;
        }

        builder.FlushTo(_output, trim: true);
    }

    // Finds each decoded character in the source span, allowing for escapes ("\*"), entities ("&amp;"), dropped
    // container markers and whitespace changes; a character not found (an added "http://") maps to the current place.
    private void Align(SegmentBuilder target, ReadOnlySpan<char> decoded, SourceSpan span)
    {
        var source = _source;
        var start = Math.Clamp(span.Start, 0, source.Length);
        var end = Math.Clamp(span.End + 1, start, source.Length);
        var j = start;
        var i = 0;

        // Autolinks gain a scheme that is not in the source ("www.x.org" -> "http://www.x.org"): it maps to the start.
        var raw = source.AsSpan(start, end - start);
        if (decoded.Length > raw.Length && raw.Length > 0 && decoded.EndsWith(raw, StringComparison.Ordinal))
        {
            for (; i < decoded.Length - raw.Length; i++)
            {
                target.Append(decoded[i], start, start);
            }
        }

        while (i < decoded.Length)
        {
            var c = decoded[i];
            var limit = Math.Min(end, j + AlignWindow);
            var matched = false;
            for (var k = j; k < limit; k++)
            {
                var s = source[k];
                if (s == c || (char.IsWhiteSpace(s) && char.IsWhiteSpace(c)))
                {
                    target.Append(c, k, k + 1);
                    j = k + 1;
                    matched = true;
                    break;
                }

                if (s == '\\' && k + 1 < end && source[k + 1] == c)
                {
                    target.Append(c, k, k + 2);
                    j = k + 2;
                    matched = true;
                    break;
                }

                if (s == '&')
                {
                    var length = HtmlCharacterReferences.TryDecode(source.AsSpan(0, end), k, inAttribute: false, out var entity);
                    if (length > 0 && entity.Length > 0 && decoded[i..].StartsWith(entity, StringComparison.Ordinal))
                    {
                        target.Append(entity, k, k + length);
                        i += entity.Length - 1;
                        j = k + length;
                        matched = true;
                        break;
                    }
                }
            }

            if (!matched)
            {
                target.Append(c, j, j);
            }

            i++;
        }
    }

    // Code blocks and other leaves without inlines: their lines are slices of the source.
    private void EmitLines(LeafBlock leaf)
    {
        var lines = leaf.Lines;
        if (lines.Count == 0)
        {
            return;
        }

        var builder = new SegmentBuilder(leaf is CodeBlock ? SegmentKind.Code : SegmentKind.Visible);
        for (var n = 0; n < lines.Count; n++)
        {
            var slice = lines.Lines[n].Slice;
            if (n > 0)
            {
                builder.Append('\n', slice.Start, slice.Start);
            }

            AppendSlice(builder, slice);
        }

        builder.FlushTo(_output);
    }

    private void AppendSlice(SegmentBuilder builder, StringSlice slice)
    {
        if (ReferenceEquals(slice.Text, _source))
        {
            for (var k = slice.Start; k <= slice.End && k < _source.Length; k++)
            {
                builder.Append(_source[k], k, k + 1);
            }
        }
        else
        {
            Align(builder, slice.AsSpan(), new SourceSpan(slice.Start, slice.End));
        }
    }

    // An HTML block's lines, joined with "\n" and mapped line by line, go through the HTML extractor.
    private void ExtractHtmlLines(HtmlBlock html)
    {
        var lines = html.Lines;
        var text = new System.Text.StringBuilder();
        var map = new List<int>();
        for (var n = 0; n < lines.Count; n++)
        {
            var slice = lines.Lines[n].Slice;
            if (n > 0)
            {
                text.Append('\n');
                map.Add(Math.Max(0, slice.Start - 1));
            }

            var sameSource = ReferenceEquals(slice.Text, _source);
            for (var k = slice.Start; k <= slice.End; k++)
            {
                text.Append(slice.Text[k]);
                map.Add(sameSource ? k : Math.Clamp(k, 0, _source.Length));
            }
        }

        map.Add(html.Span.End + 1);
        HtmlTextExtractor.Extract(text.ToString(), _output, map: [.. map]);
    }
}
