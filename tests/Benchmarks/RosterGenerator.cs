using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Benchmarks;

/// <summary>
/// A deterministic roster of plausible district people: about 40% elementary students, 52% secondary,
/// 8% staff; 3% of students with a media restriction; each student with a student and a family address.
/// </summary>
internal static class RosterGenerator
{
    private static readonly string[] GivenNames =
    [
        "Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "Mateo", "Isabella", "Lucas", "Mia", "Levi",
        "Amelia", "Asher", "Harper", "James", "Evelyn", "Henry", "Abigail", "Jack", "Emily", "Leo", "Ella", "Owen",
        "Scarlett", "Wyatt", "Grace", "Hudson", "Chloe", "Ezra", "Camila", "Luca", "Aria", "Julian", "Penelope",
        "Maverick", "Layla", "Theodore", "Riley", "Elias", "Zoey", "Grayson", "Nora", "Daniel", "Lily", "Carter",
        "Eleanor", "Sebastian", "Hazel", "Josiah", "Violet", "Jayden", "Aurora", "Isaiah", "Savannah", "Miles",
        "Audrey", "Nathan", "Brooklyn", "Caleb", "Bella", "Ryan", "Claire", "Adrian", "Skylar", "Xavier", "Lucy",
        "Jaxon", "Paisley", "Aaron", "Anna", "Ian", "Caroline", "Marcus", "Genesis", "Diego", "Aaliyah", "Malik",
        "Kennedy", "Andre", "Valentina", "Omar", "Priya", "Tenzin", "Mai", "Kwame", "Fatima", "Yusuf", "Ximena",
        "Tomás", "Zoë", "Siobhan", "Nguyen", "Pa", "Tou", "Kaylee", "DeShawn", "Jamal", "Brianna", "Destiny",
    ];

    private static readonly string[] FamilyNames =
    [
        "Kowalski", "Nowak", "Schmidt", "Mueller", "Johnson", "Smith", "Williams", "Brown", "Jones", "Garcia",
        "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
        "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
        "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
        "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
        "Roberts", "Zielinski", "Lindqvist", "Okafor", "Vang", "Xiong", "Lor", "Her", "Petrov", "Kaczmarek",
        "Jankowski", "Wisniewski", "Lewandowski", "Hoffmann", "Becker", "Schultz", "Larsen", "Halvorsen", "Olson",
        "Johansson", "O'Brien", "O'Connell", "McCarthy", "DeLuca", "Marchetti", "Russo", "Esposito", "Dubois",
        "St. James", "Moreno-Castillo", "Hernandez-Reyes", "Adeyemi", "Mensah", "Patel", "Shah", "Kim", "Park",
        "Yang", "Chen", "Wang", "Kaur", "Singh", "Abdi", "Hassan", "Ali", "Jimenez", "Ruiz", "Delacroix", "Brennan",
    ];

    private static readonly string[] MailHosts = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "att.net"];

    public static Roster.Roster Generate(int count, int seed = 4226)
    {
        var random = new Random(seed);
        var people = new List<Person>(count);
        for (var i = 0; i < count; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var roll = random.NextDouble();
            var id = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var handle = (given[..1] + family).ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);
            if (roll < 0.08)
            {
                people.Add(new Person
                {
                    Id = "T" + id,
                    Role = PersonRole.Staff,
                    GivenName = given,
                    FamilyName = family,
                    Emails = [$"{handle}{i % 100}@kusd.edu"],
                });
                continue;
            }

            // Grades -1 (PK) to 5 are elementary: 40% of everyone, the rest of the students are 6-12.
            var grade = roll < 0.48 ? random.Next(-1, 6) : random.Next(6, 13);
            people.Add(new Person
            {
                Id = "S" + id,
                GivenName = given,
                FamilyName = family,
                PreferredName = random.NextDouble() < 0.05 ? GivenNames[random.Next(GivenNames.Length)] : null,
                Grade = new Grade(grade),
                MediaRestriction = random.NextDouble() < 0.03,
                Emails =
                [
                    $"{handle}{i % 1000}@students.kusd.edu",
                    $"{family.ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)}.{i}@{MailHosts[random.Next(MailHosts.Length)]}",
                ],
            });
        }

        return new Roster.Roster(people);
    }
}
