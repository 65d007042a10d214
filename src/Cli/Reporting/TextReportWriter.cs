using System.Globalization;
using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary>
/// One <c>path(line,col): error RULE: message</c> line per finding, the shape editors and CI log
/// viewers already link to source (MSBuild's canonical error format). Evidence is never printed: the
/// line points at the text, and a CI log is more public than the file.
/// </summary>
internal static class TextReportWriter
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<FileReport> reports)
    {
        foreach (var report in reports)
        {
            foreach (var finding in report.Findings)
            {
                await writer.WriteLineAsync(FormatFinding(report.File.DisplayPath, finding)).ConfigureAwait(false);
            }
        }
    }

    public static string FormatFinding(string path, Finding finding)
    {
        var location = finding.Line is { } line && finding.Column is { } column ? $"{path}({line},{column})" : path;
        var severity = CheckSummary.ContractName(finding.Severity);
        var region = finding.Region is { } r ? string.Create(CultureInfo.InvariantCulture, $" (region {r.X},{r.Y},{r.Width},{r.Height})") : string.Empty;
        return $"{location}: {severity} {finding.RuleId}: {OneLine(finding.Message)}{region}";
    }

    private static string OneLine(string message) =>
        message.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
}
