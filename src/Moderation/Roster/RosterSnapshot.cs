namespace Kusd.Moderation.Roster;

/// <summary>A roster with the indexes built from it, shared read-only by every check until the roster changes.</summary>
public sealed class RosterSnapshot
{
    private readonly Lazy<NameIndex> _names;

    public RosterSnapshot(Roster roster, long version = 0)
    {
        ArgumentNullException.ThrowIfNull(roster);
        Roster = roster;
        Version = version;
        _names = new Lazy<NameIndex>(() => new NameIndex(roster), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static RosterSnapshot Empty { get; } = new(Roster.Empty);

    public Roster Roster { get; }

    /// <summary>Changes whenever the roster does; callers cache derived data on it.</summary>
    public long Version { get; }

    /// <summary>Every name form of every person, built on first use and shared by all checks of this snapshot.</summary>
    public NameIndex Names => _names.Value;
}

/// <summary>Where checks get the current roster from (a CSV for the CLI, the database for the API).</summary>
public interface IRosterProvider
{
    RosterSnapshot Current { get; }
}

public sealed class FixedRosterProvider(RosterSnapshot snapshot) : IRosterProvider
{
    public RosterSnapshot Current { get; } = snapshot;
}
