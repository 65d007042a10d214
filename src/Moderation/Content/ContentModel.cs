namespace Kusd.Moderation.Content;

public enum ContentFormat
{
    PlainText,
    Markdown,
    Html,
}

public enum Channel
{
    Website,
    Social,
}

/// <summary>A named field of a post as submitted (plain text, Markdown or HTML).</summary>
public sealed record ContentField(string Name, string Text, ContentFormat Format = ContentFormat.PlainText);

/// <summary>An image as submitted; the bytes are untrusted.</summary>
public sealed record ContentImage(string Field, string? Name, ReadOnlyMemory<byte> Data);

public sealed record CheckRequest
{
    public IReadOnlyList<ContentField> Fields { get; init; } = [];
    public IReadOnlyList<ContentImage> Images { get; init; } = [];
    public Channel Channel { get; init; } = Channel.Website;

    /// <summary>When true, faces that must not be published are blurred in a returned copy, and count as fixed.</summary>
    public bool ReturnSanitizedImages { get; init; }

    /// <summary>
    /// The schools the post is about (school codes of the roster). Faces are then compared only with the
    /// restricted students of those schools: false matches grow with the number of templates compared, so
    /// the scope is part of the accuracy. Empty: every restricted student of the district.
    /// </summary>
    public IReadOnlyList<string> Schools { get; init; } = [];
}
