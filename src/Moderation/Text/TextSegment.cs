namespace Kusd.Moderation.Text;

public enum SegmentKind
{
    /// <summary>Text a reader sees (paragraphs, headings, list items, table cells, link text).</summary>
    Visible,

    /// <summary>A link a reader can follow: Markdown link/autolink URL, HTML <c>a[href]</c> and <c>area[href]</c>.</summary>
    LinkTarget,

    /// <summary>An image or media source: Markdown image URL, HTML <c>src</c>/<c>srcset</c> of images, video, audio.</summary>
    ImageSource,

    /// <summary>Image <c>alt</c> text, <c>title</c> attributes, <c>aria-label</c>, published front-matter fields.</summary>
    AltText,

    /// <summary>
    /// Something the page loads or posts to but a reader does not follow: <c>link[href]</c> (stylesheets, fonts,
    /// icons, preconnect hints), <c>script[src]</c>, <c>iframe[src]</c>, <c>embed[src]</c>, <c>form[action]</c>.
    /// </summary>
    Resource,

    /// <summary>
    /// Markdown code spans and code blocks: published, so the email rule reads them, but not prose for the name,
    /// ID and link rules (a hex colour is not a student ID, <c>config.name</c> is not a website).
    /// </summary>
    Code,
}

/// <summary>
/// A run of decoded text from one field (entities decoded, markup removed), with the offset of every
/// character in the field as submitted. <see cref="SourceOffsets"/> has <c>Text.Length + 1</c> entries:
/// entry i is where character i starts in the field; the last entry is where the run ends.
/// </summary>
public sealed class TextSegment
{
    private NormalizedText? _normalized;

    private readonly int[]? _sourceEnds;

    public TextSegment(SegmentKind kind, string text, int[] sourceOffsets)
        : this(kind, text, sourceOffsets, null)
    {
    }

    /// <param name="kind">What the run is.</param>
    /// <param name="text">The decoded text.</param>
    /// <param name="sourceOffsets">Where each character starts in the field, plus where the run ends.</param>
    /// <param name="sourceEnds">
    /// Where each character ends in the field, when that is not where the next one starts (markup between them):
    /// lets a span stop at "Emma" in "&lt;b&gt;Emma&lt;/b&gt; Kowalski" instead of swallowing the closing tag.
    /// </param>
    public TextSegment(SegmentKind kind, string text, int[] sourceOffsets, int[]? sourceEnds)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceOffsets);
        if (sourceOffsets.Length != text.Length + 1)
        {
            throw new ArgumentException("There must be one source offset per character plus one.", nameof(sourceOffsets));
        }

        if (sourceEnds is not null && sourceEnds.Length != text.Length)
        {
            throw new ArgumentException("There must be one source end per character.", nameof(sourceEnds));
        }

        Kind = kind;
        Text = text;
        SourceOffsets = sourceOffsets;
        _sourceEnds = sourceEnds;
    }

    public SegmentKind Kind { get; }

    public string Text { get; }

    public IReadOnlyList<int> SourceOffsets { get; }

    /// <summary>Normalised once on first use (NFKC, case folded, invisible characters dropped, homoglyphs folded).</summary>
    public NormalizedText Normalized => _normalized ??= TextNormalizer.Normalize(this);

    /// <summary>A segment whose text is the whole field (plain text).</summary>
    public static TextSegment Identity(SegmentKind kind, string text, int fieldOffset = 0)
    {
        var offsets = new int[text.Length + 1];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = fieldOffset + i;
        }

        return new TextSegment(kind, text, offsets);
    }

    /// <summary>The span in the submitted field covered by characters [start, end) of <see cref="Text"/>.</summary>
    public TextSpan ToFieldSpan(int start, int end)
    {
        var s = SourceOffsets[start];
        var e = end <= start ? s : Math.Max(_sourceEnds is null ? SourceOffsets[end] : _sourceEnds[end - 1], s);
        return new TextSpan(s, e);
    }
}

/// <summary>
/// Text folded for matching, with a map back to the segment: entry i of <see cref="ToSegment"/> is the
/// segment index of the character that produced normalised character i; the last entry is the segment length.
/// </summary>
public sealed class NormalizedText
{
    public NormalizedText(TextSegment segment, string value, int[] toSegment)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(toSegment);
        if (toSegment.Length != value.Length + 1)
        {
            throw new ArgumentException("There must be one map entry per character plus one.", nameof(toSegment));
        }

        Segment = segment;
        Value = value;
        ToSegment = toSegment;
    }

    public TextSegment Segment { get; }

    public string Value { get; }

    public IReadOnlyList<int> ToSegment { get; }

    /// <summary>The submitted-field span of normalised characters [start, end).</summary>
    public TextSpan ToFieldSpan(int start, int end)
    {
        var s = ToSegment[start];
        var e = end > start ? ToSegmentEnd(end) : s;
        return Segment.ToFieldSpan(s, Math.Max(e, s));
    }

    // The segment end of normalised character end-1: one past the source character that produced it.
    private int ToSegmentEnd(int end)
    {
        var last = ToSegment[end - 1];
        var next = ToSegment[end];
        return next > last ? next : last + 1;
    }
}

/// <summary>A field parsed into the runs of text that rules read.</summary>
public sealed record ParsedField(string Name, string Original, Content.ContentFormat Format, IReadOnlyList<TextSegment> Segments)
{
    /// <summary>Why the field was read as plain text instead of its format (hostile or unparseable markup), or null.</summary>
    public string? Fallback { get; init; }

    public IEnumerable<TextSegment> OfKind(SegmentKind kind) => Segments.Where(s => s.Kind == kind);
}
