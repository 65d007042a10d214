namespace Kusd.Moderation.Roster;

/// <summary>
/// One bad row of a roster file. <see cref="Message"/> reads "row 7: grade 'X' is not ..." and never
/// contains a person's name or email address (import errors reach logs and admin screens).
/// </summary>
public sealed record RosterImportError(int Line, string? Column, string Message)
{
    public override string ToString() => Message;
}

public enum RosterFormat
{
    /// <summary>The district CSV of DESIGN.md.</summary>
    Kusd,

    /// <summary>OneRoster 1.1 <c>users.csv</c>, alone or in its zip.</summary>
    OneRoster,
}

/// <summary>Either a whole roster or every error found: an import is all or nothing.</summary>
public sealed class RosterImportResult
{
    private RosterImportResult(Roster? roster, RosterFormat format, IReadOnlyList<RosterImportError> errors, IReadOnlyList<string> notes)
    {
        Roster = roster;
        Format = format;
        Errors = errors;
        Notes = notes;
    }

    /// <summary>The imported roster; null when any row was bad.</summary>
    public Roster? Roster { get; }

    public RosterFormat Format { get; }

    public IReadOnlyList<RosterImportError> Errors { get; }

    /// <summary>What the import chose to skip and why (e.g. guardian rows linked to no student).</summary>
    public IReadOnlyList<string> Notes { get; }

    public bool Succeeded => Roster is not null;

    internal static RosterImportResult From(List<Person> people, RosterFormat format, List<RosterImportError> errors, List<string> notes) =>
        errors.Count == 0
            ? new RosterImportResult(new Roster(people), format, [], notes)
            : new RosterImportResult(null, format, [.. errors.OrderBy(e => e.Line)], notes);

    internal static RosterImportResult Failed(RosterFormat format, params RosterImportError[] errors) =>
        new(null, format, errors, []);
}

/// <summary>Settings of roster import that only administrators touch.</summary>
public sealed class RosterImportOptions
{
    public static RosterImportOptions Default { get; } = new();

    /// <summary>
    /// OneRoster has no media-release field; SIS exports add one under their own name. When this column
    /// is present its values (true/false/yes/no/1/0) are read, otherwise the blank rule applies to everyone.
    /// </summary>
    public string OneRosterMediaRestrictionColumn { get; init; } = "metadata.mediaRestriction";

    /// <summary>Largest <c>users.csv</c> read from a zip, in bytes (a guard against zip bombs).</summary>
    public long MaxZipEntryBytes { get; init; } = 256L * 1024 * 1024;
}
