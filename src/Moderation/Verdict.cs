using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kusd.Moderation;

public sealed record SanitizedImage(string? Name, string ContentType, byte[]? Data);

public sealed record SanitizedContent(
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<SanitizedImage> Images);

/// <summary>The verdict of DESIGN.md: what the API returns and the CLI prints per file.</summary>
public sealed record Verdict
{
    public required string Id { get; init; }
    public required Decision Decision { get; init; }
    public required IReadOnlyList<Finding> Findings { get; init; }
    public required SanitizedContent Sanitized { get; init; }

    /// <summary>Milliseconds: <c>totalMs</c> and one entry per checker.</summary>
    public required IReadOnlyDictionary<string, double> Timings { get; init; }

    public required IReadOnlyDictionary<string, string> Models { get; init; }

    /// <summary>Findings found but not listed (over the per-rule or per-check caps); 0 when every finding is listed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int FindingsOmitted { get; init; }
}

public static class ModerationJson
{
    /// <summary>camelCase, nulls left out, enums as their contract names.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(writeIndented: false);

    public static JsonSerializerOptions Indented { get; } = CreateOptions(writeIndented: true);

    private static JsonSerializerOptions CreateOptions(bool writeIndented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = writeIndented,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
