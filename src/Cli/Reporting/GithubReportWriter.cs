using System.Globalization;
using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary>
/// GitHub Actions workflow commands (<c>::error file=…::message</c>): annotations on the pull request's
/// lines. GitHub shows at most 10 of each kind per step, so the rest are counted in one last notice
/// instead of being silently dropped.
/// </summary>
internal static class GithubReportWriter
{
    public const int PerKindLimit = 10;

    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<FileReport> reports, RepositoryPaths paths)
    {
        var annotations = new List<(string Kind, string Line)>();
        foreach (var report in reports)
        {
            var file = Property(paths.Relative(report.File.FullPath));
            if (report.Error is not null)
            {
                annotations.Add(("error", $"::error file={file},title=not checked::{Data(report.Error)}"));
            }

            foreach (var finding in report.Findings)
            {
                var kind = finding.Severity switch
                {
                    Severity.Error => "error",
                    Severity.Warning => "warning",
                    _ => "notice",
                };
                var location = $"file={file}";
                if (TextRange.Of(finding) is { } range)
                {
                    location += string.Create(CultureInfo.InvariantCulture,
                        $",line={range.StartLine},endLine={range.EndLine},col={range.StartColumn},endColumn={range.EndColumn}");
                }

                var message = finding.Region is { } r
                    ? string.Create(CultureInfo.InvariantCulture, $"{finding.Message} (region {r.X},{r.Y},{r.Width},{r.Height})")
                    : finding.Message;
                annotations.Add((kind, $"::{kind} {location},title={Property(finding.RuleId)}::{Data(message)}"));
            }
        }

        var shown = new Dictionary<string, int>(StringComparer.Ordinal);
        var hidden = 0;

        // One notice slot is kept for the summary when anything is hidden, or GitHub would drop the summary too.
        var overflow = annotations.GroupBy(a => a.Kind, StringComparer.Ordinal).Any(g => g.Count() > PerKindLimit);
        foreach (var (kind, line) in annotations)
        {
            var limit = overflow && kind == "notice" ? PerKindLimit - 1 : PerKindLimit;
            var count = shown.GetValueOrDefault(kind);
            if (count >= limit)
            {
                hidden++;
                continue;
            }

            shown[kind] = count + 1;
            await writer.WriteLineAsync(line).ConfigureAwait(false);
        }

        if (hidden > 0)
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"::notice title=kusd-moderate::{hidden} more findings are not shown as annotations (GitHub shows {PerKindLimit} of each kind); see the log or the SARIF report.")).ConfigureAwait(false);
        }
    }

    // Escaping of the Actions toolkit (command.ts): data escapes %, CR and LF; properties also ':' and ','.
    private static string Data(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string value) =>
        Data(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
