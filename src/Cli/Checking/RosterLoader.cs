using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>Loads the roster named by <c>--roster</c>; without one, name and email rules know no students.</summary>
internal static class RosterLoader
{
    /// <summary>
    /// The roster, or the empty one with every problem added to <paramref name="errors"/>. Import errors
    /// name rows and columns, never a person, so they are safe to print in a CI log.
    /// </summary>
    public static RosterSnapshot Load(string? path, string displayPath, ModerationOptions options, List<string> errors, List<string> notes)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (path is null)
        {
            return RosterSnapshot.Empty;
        }

        if (!File.Exists(path))
        {
            errors.Add($"{displayPath}: roster file not found.");
            return RosterSnapshot.Empty;
        }

        RosterImportResult result;
        try
        {
            using var stream = File.OpenRead(path);
            result = RosterCsv.Parse(stream, options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{displayPath}: roster file cannot be read ({ex.GetType().Name}).");
            return RosterSnapshot.Empty;
        }

        notes.AddRange(result.Notes.Select(n => $"{displayPath}: note: {n}"));
        if (result.Roster is null)
        {
            errors.AddRange(result.Errors.Select(e => $"{displayPath}: error: {e.Message}"));
            return RosterSnapshot.Empty;
        }

        return new RosterSnapshot(result.Roster);
    }
}
