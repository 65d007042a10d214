using System.Text.Json;
using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary><c>{"files":[{"path","decision","findings"}],"summary":{…}}</c> of DESIGN.md "CLI contract".</summary>
internal static class JsonReportWriter
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<FileReport> reports, CheckSummary summary)
    {
        var document = new JsonReport(
            [.. reports.Select(r => new JsonFileEntry(
                r.File.DisplayPath,
                r.Decision,
                r.Findings,
                r.Error,
                r.Warnings.Count > 0 ? r.Warnings : null,
                r.FixesApplied))],
            summary);
        await writer.WriteLineAsync(JsonSerializer.Serialize(document, ModerationJson.Indented)).ConfigureAwait(false);
    }

    private sealed record JsonReport(IReadOnlyList<JsonFileEntry> Files, CheckSummary Summary);

    private sealed record JsonFileEntry(
        string Path,
        Decision? Decision,
        IReadOnlyList<Finding> Findings,
        string? Error,
        IReadOnlyList<string>? Warnings,
        int? Fixes);
}
