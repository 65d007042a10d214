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

    public static string RepoRoot => Kusd.Moderation.TestSupport.RepositoryRoot.Path;

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

    /// <summary>Reads the corpus roster through the district importer; a row it refuses is a corpus bug.</summary>
    public static Roster.Roster LoadRoster()
    {
        using var stream = System.IO.File.OpenRead(RosterPath);
        var result = RosterCsv.Parse(stream, new ModerationOptions());
        return result.Roster
            ?? throw new InvalidDataException("The corpus roster does not import: " + string.Join("; ", result.Errors.Select(e => e.Message)));
    }
}
