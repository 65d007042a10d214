using Kusd.Moderation.Content;

namespace Kusd.Moderation.Cli.Checking;

internal sealed record DiscoveryResult(IReadOnlyList<SourceFile> Files, IReadOnlyList<string> Errors);

/// <summary>Expands the PATH arguments into the files to check, in a stable order.</summary>
internal static class SourceDiscovery
{
    // Build output and dependencies are not the site's content, and can be huge.
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "node_modules", "bin", "obj" };

    private static readonly StringComparer PathComparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private static SourceFile? Classify(string fullPath, string displayPath) =>
        ContentFiles.TryGetTextFormat(fullPath, out var format) ? new SourceFile(fullPath, displayPath, format)
        : ContentFiles.IsImage(fullPath) ? new SourceFile(fullPath, displayPath, ContentFormat.PlainText, IsImage: true)
        : null;

    public static DiscoveryResult Discover(IReadOnlyList<string> paths, string workingDirectory)
    {
        var files = new List<SourceFile>();
        var errors = new List<string>();
        var seen = new HashSet<string>(PathComparer);
        foreach (var given in paths)
        {
            var full = Path.GetFullPath(given, workingDirectory);
            if (File.Exists(full))
            {
                if (Classify(full, Display(given)) is not { } file)
                {
                    errors.Add($"{Display(given)}: not a file this tool checks (it reads {string.Join(", ", ContentFiles.Extensions)}).");
                }
                else if (seen.Add(full))
                {
                    files.Add(file);
                }
            }
            else if (Directory.Exists(full))
            {
                var found = new List<SourceFile>();
                Walk(full, full, given, found, errors);
                found.Sort((a, b) => string.CompareOrdinal(a.DisplayPath, b.DisplayPath));
                files.AddRange(found.Where(f => seen.Add(f.FullPath)));
            }
            else
            {
                errors.Add($"{Display(given)}: no such file or directory.");
            }
        }

        return new DiscoveryResult(files, errors);
    }

    private static void Walk(string root, string directory, string given, List<SourceFile> found, List<string> errors)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).ToList();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Skipping a folder we cannot read would let its content through unchecked.
            errors.Add($"{Display(Path.Join(given, Path.GetRelativePath(root, directory)))}: cannot be read ({ex.GetType().Name}).");
            return;
        }

        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            if (Directory.Exists(entry))
            {
                // Symbolic links to folders are not followed: they can loop, and usually point outside the site.
                if (name.StartsWith('.') || SkippedFolders.Contains(name) || new DirectoryInfo(entry).LinkTarget is not null)
                {
                    continue;
                }

                Walk(root, entry, given, found, errors);
            }
            else if (Classify(entry, Display(Path.Join(given, Path.GetRelativePath(root, entry)))) is { } file)
            {
                found.Add(file);
            }
        }
    }

    // Paths print as the user gave them, with forward slashes, so they are the same on every OS and CI log.
    private static string Display(string path)
    {
        var display = path.Replace('\\', '/');
        while (display.StartsWith("./", StringComparison.Ordinal) && display.Length > 2)
        {
            display = display[2..];
        }

        return display.Replace("/./", "/", StringComparison.Ordinal);
    }
}
