using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>Loads the roster named by <c>--roster</c>; without one, name and email rules know no students.</summary>
internal static class RosterLoader
{
    public static RosterSnapshot Load(string? path, ModerationOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (path is null)
        {
            return RosterSnapshot.Empty;
        }

        if (!File.Exists(path))
        {
            errors.Add($"{path.Replace('\\', '/')}: roster file not found.");
            return RosterSnapshot.Empty;
        }

        // The CSV importer lands in src/Moderation/Roster; until then the roster is empty.
        return RosterSnapshot.Empty;
    }
}
