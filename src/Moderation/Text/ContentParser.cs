using Kusd.Moderation.Content;

namespace Kusd.Moderation.Text;

/// <summary>Turns a submitted field into the runs of text that rules read.</summary>
public static class ContentParser
{
    /// <summary>Placeholder until Markdown and HTML parsing land: the whole field is one visible run.</summary>
    public static ParsedField Parse(ContentField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new ParsedField(field.Name, field.Text, field.Format, [TextSegment.Identity(SegmentKind.Visible, field.Text)]);
    }
}
