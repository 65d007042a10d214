using Kusd.Moderation.Content;

namespace Kusd.Moderation.Text;

/// <summary>Turns a submitted field into the runs of text that rules read.</summary>
public static class ContentParser
{
    /// <summary>
    /// Splits a field into segments: plain text is one visible run; Markdown and HTML give their visible text,
    /// link and image URLs and alternative texts, every character mapped back to the field as submitted.
    /// Never throws on hostile input: Markdown that Markdig cannot take (too deeply nested) is read as plain
    /// text, and <see cref="ParsedField.Fallback"/> says why. HTML is read the way a browser shows it; see
    /// <see cref="HtmlTextExtractor"/> for what counts as visible.
    /// </summary>
    public static ParsedField Parse(ContentField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var text = field.Text ?? string.Empty;
        switch (field.Format)
        {
            case ContentFormat.Html:
                return ParseHtml(field, text);

            case ContentFormat.Markdown:
                return ParseMarkdown(field, text);
            default:
                return PlainText(field, text);
        }
    }

    private static ParsedField ParseMarkdown(ContentField field, string text)
    {
        if (MarkdownGuard.Check(text) is { } tooComplex)
        {
            return PlainText(field, text) with { Fallback = tooComplex };
        }

        var segments = new List<TextSegment>();
        try
        {
            MarkdownTextExtractor.Extract(text, segments);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Markdig refuses input nested past its depth limit; the text is still checked, as plain text.
            return PlainText(field, text) with { Fallback = $"markdown-unparsed: {ex.GetType().Name}" };
        }

        return new ParsedField(field.Name, text, field.Format, segments);
    }

    private static ParsedField ParseHtml(ContentField field, string text)
    {
        var segments = new List<TextSegment>();
        try
        {
            HtmlTextExtractor.Extract(text, segments);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not expected (the extractor reads any string), but a parser bug must not let a post through unchecked.
            return PlainText(field, text) with { Fallback = $"html-unparsed: {ex.GetType().Name}" };
        }

        return new ParsedField(field.Name, text, field.Format, segments);
    }

    private static ParsedField PlainText(ContentField field, string text) =>
        new(field.Name, text, field.Format, [TextSegment.Identity(SegmentKind.Visible, text)]);
}
