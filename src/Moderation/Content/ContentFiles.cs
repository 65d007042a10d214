namespace Kusd.Moderation.Content;

/// <summary>
/// Which files of a content repository are content, by extension: text in a format the parser reads, or an
/// image. The CLI's folder discovery and the real-content evaluation both ask here, so they check the same files.
/// </summary>
public static class ContentFiles
{
    private static readonly Dictionary<string, ContentFormat> TextFormats = new(StringComparer.OrdinalIgnoreCase)
    {
        [".md"] = ContentFormat.Markdown,
        [".markdown"] = ContentFormat.Markdown,
        [".html"] = ContentFormat.Html,
        [".htm"] = ContentFormat.Html,
        [".txt"] = ContentFormat.PlainText,
    };

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".gif", ".webp" };

    /// <summary>Every extension checked, text first.</summary>
    public static IReadOnlyCollection<string> Extensions { get; } = [.. TextFormats.Keys, .. ImageExtensions];

    /// <summary>The format of a text file, when its extension is one the parser reads.</summary>
    public static bool TryGetTextFormat(string path, out ContentFormat format) =>
        TextFormats.TryGetValue(Path.GetExtension(path), out format);

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));
}
