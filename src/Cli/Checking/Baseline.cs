using System.Text.Json;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>
/// Findings a repository accepted when it adopted the check (<c>--update-baseline</c>), keyed by the
/// same fingerprint as SARIF; a run with <c>--baseline</c> hides them and reports only new ones.
/// The file holds rule, path and fingerprint, never evidence.
/// </summary>
internal static class Baseline
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static HashSet<string> Read(string path)
    {
        var document = JsonSerializer.Deserialize<BaselineFile>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException("empty baseline");
        return [.. document.Findings.Select(f => f.Fingerprint)];
    }

    public static void Write(string path, IEnumerable<(string Path, Finding Finding, string Fingerprint)> findings)
    {
        var document = new BaselineFile(1, [.. findings
            .Select(f => new BaselineEntry(f.Finding.RuleId, f.Path, f.Fingerprint))
            .OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.RuleId, StringComparer.Ordinal).ThenBy(e => e.Fingerprint, StringComparer.Ordinal)]);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options) + "\n");
    }

    private sealed record BaselineFile(int Version, IReadOnlyList<BaselineEntry> Findings);

    private sealed record BaselineEntry(string RuleId, string Path, string Fingerprint);
}
