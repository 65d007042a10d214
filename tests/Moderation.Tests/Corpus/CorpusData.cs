using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Tests.Corpus;

/// <summary>One labelled post of the corpus: what was submitted and what the rules should find in it.</summary>
public sealed record CorpusPost
{
    public required string Id { get; init; }
    public string Kind { get; init; } = "";
    public string Format { get; init; } = "plain";
    public string Channel { get; init; } = "website";

    /// <summary>The field as submitted; <see cref="Lines"/> is joined with newlines when this is absent.</summary>
    public string? Text { get; init; }

    public IReadOnlyList<string>? Lines { get; init; }

    public IReadOnlyList<CorpusExpectation> Expect { get; init; } = [];

    [JsonIgnore] public string Body => Text ?? string.Join('\n', Lines ?? []);

    [JsonIgnore] public string File { get; init; } = "";

    public ContentFormat ContentFormat => Format switch
    {
        "plain" => ContentFormat.PlainText,
        "markdown" => ContentFormat.Markdown,
        "html" => ContentFormat.Html,
        _ => throw new InvalidDataException($"Post {Id} has an unknown format '{Format}'."),
    };

    public Channel ContentChannel => Channel switch
    {
        "website" => Kusd.Moderation.Content.Channel.Website,
        "social" => Kusd.Moderation.Content.Channel.Social,
        _ => throw new InvalidDataException($"Post {Id} has an unknown channel '{Channel}'."),
    };
}

/// <summary>A finding the post should produce: the rule, and the exact text as submitted that it should cover.</summary>
public sealed record CorpusExpectation
{
    public required string RuleId { get; init; }
    public required string Evidence { get; init; }
    public Severity? Severity { get; init; }
}

public static class CorpusData
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly Lazy<string> LazyRepoRoot = new(FindRepoRoot);

    public static string RepoRoot => LazyRepoRoot.Value;

    public static string CorpusDirectory => Path.Combine(RepoRoot, "tests", "Moderation.Tests", "Corpus");

    public static string RosterPath => Path.Combine(CorpusDirectory, "roster.csv");

    public static IReadOnlyList<CorpusPost> LoadPosts()
    {
        var posts = new List<CorpusPost>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "posts-*.json").Order(StringComparer.Ordinal))
        {
            var json = System.IO.File.ReadAllText(file);
            var filePosts = JsonSerializer.Deserialize<List<CorpusPost>>(json, JsonOptions)
                ?? throw new InvalidDataException($"{file} holds no posts.");
            posts.AddRange(filePosts.Select(p => p with { File = Path.GetFileName(file) }));
        }

        return posts;
    }

    /// <summary>
    /// Reads the corpus roster (DESIGN.md CSV: header row, any column order). Kept minimal and strict:
    /// the corpus file is ours, so a row this cannot read is a corpus bug.
    /// </summary>
    public static Roster.Roster LoadRoster()
    {
        var lines = System.IO.File.ReadAllLines(RosterPath);
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        var people = new List<Person>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            string Cell(string name) => Col(name) is var i and >= 0 && i < cells.Length ? cells[i].Trim() : "";
            var role = Cell("role") == "staff" ? PersonRole.Staff : PersonRole.Student;
            people.Add(new Person
            {
                Id = Cell("id"),
                Role = role,
                GivenName = Cell("givenName"),
                FamilyName = Cell("familyName"),
                PreferredName = Cell("preferredName") is { Length: > 0 } preferred ? preferred : null,
                Grade = role == PersonRole.Student ? ParseGrade(Cell("grade")) : null,
                MediaRestriction = Cell("mediaRestriction") is "true" or "yes" or "1",
                Emails = Cell("emails").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            });
        }

        return new Roster.Roster(people);
    }

    private static Grade ParseGrade(string code) => code.ToUpperInvariant() switch
    {
        "PK" or "4K" => Grade.PreKindergarten,
        "KG" or "K" => Grade.Kindergarten,
        _ => new Grade(int.Parse(code, NumberStyles.None, CultureInfo.InvariantCulture)),
    };

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Kusd.Moderation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Kusd.Moderation.sln was not found above the test assembly.");
    }
}
