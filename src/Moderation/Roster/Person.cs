namespace Kusd.Moderation.Roster;

public enum PersonRole
{
    Student,
    Staff,
}

/// <summary>A grade as a level: pre-kindergarten (PK/4K) is -1, kindergarten (KG/K) is 0, then 1 to 12.</summary>
public readonly record struct Grade(int Level)
{
    public static readonly Grade PreKindergarten = new(-1);
    public static readonly Grade Kindergarten = new(0);

    /// <summary>Rule 4226: 4K through 5 is elementary.</summary>
    public bool IsElementary => Level <= 5;

    public override string ToString() => Level switch
    {
        -1 => "PK",
        0 => "KG",
        _ => Level.ToString("00", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>One of the district's people. Names and emails are protected data: never log them.</summary>
public sealed record Person
{
    public required string Id { get; init; }
    public PersonRole Role { get; init; } = PersonRole.Student;
    public required string GivenName { get; init; }
    public required string FamilyName { get; init; }
    public string? PreferredName { get; init; }
    public Grade? Grade { get; init; }
    public bool MediaRestriction { get; init; }
    public IReadOnlyList<string> Emails { get; init; } = [];

    /// <summary>School codes (roster column <c>schools</c>, OneRoster <c>orgSourcedIds</c>); empty: not scoped.</summary>
    public IReadOnlyList<string> Schools { get; init; } = [];

    public bool IsStudent => Role == PersonRole.Student;

    public bool IsElementaryStudent => IsStudent && Grade is { IsElementary: true };

    // Records print their members; a person's name must never reach a log by accident.
    public override string ToString() => $"Person {Id}";
}

/// <summary>An immutable roster. Build indexes from it once and share them across checks.</summary>
public sealed class Roster
{
    public static readonly Roster Empty = new([]);

    public Roster(IReadOnlyList<Person> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        People = people;
    }

    public IReadOnlyList<Person> People { get; }
}
