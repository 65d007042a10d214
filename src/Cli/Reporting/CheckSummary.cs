using System.Text.Json;
using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary>Totals of a run, printed on stderr and in the JSON report; also decides the exit code.</summary>
internal sealed record CheckSummary
{
    public required int Files { get; init; }

    /// <summary>Finding counts keyed by severity contract name (error, warning, note).</summary>
    public required IReadOnlyDictionary<string, int> Findings { get; init; }

    /// <summary>File counts keyed by decision contract name; every decision is present.</summary>
    public required IReadOnlyDictionary<string, int> Decisions { get; init; }

    public required int ToolErrors { get; init; }

    /// <summary>Files that <c>--fix</c> rewrote; null when not fixing.</summary>
    public int? FixedFiles { get; init; }

    public required int ExitCode { get; init; }

    public static CheckSummary From(IReadOnlyList<FileReport> reports, bool fixing)
    {
        var findings = Enum.GetValues<Severity>().Reverse().ToDictionary(ContractName, _ => 0, StringComparer.Ordinal);
        var decisions = Enum.GetValues<Decision>().ToDictionary(ContractName, _ => 0, StringComparer.Ordinal);
        var toolErrors = 0;
        var blocking = false;
        foreach (var report in reports)
        {
            toolErrors += report.Error is null ? 0 : 1;
            if (report.Decision is { } decision)
            {
                decisions[ContractName(decision)]++;
            }

            foreach (var finding in report.Findings)
            {
                findings[ContractName(finding.Severity)]++;
                blocking |= finding.Severity is Severity.Error or Severity.Warning;
            }
        }

        return new CheckSummary
        {
            Files = reports.Count(r => r.Decision is not null),
            Findings = findings,
            Decisions = decisions,
            ToolErrors = toolErrors,
            FixedFiles = fixing ? reports.Count(r => r.FixesApplied > 0) : null,
            ExitCode = toolErrors > 0 ? ExitCodes.ToolError : blocking ? ExitCodes.Findings : ExitCodes.Clean,
        };
    }

    public string ToLine()
    {
        var text = $"{Files} {Plural(Files, "file")} checked: "
            + string.Join(", ", Findings.Select(kv => $"{kv.Value} {Plural(kv.Value, kv.Key)}"))
            + "; " + string.Join(", ", Decisions.Select(kv => $"{kv.Value} {kv.Key}"));
        if (FixedFiles is { } fixedFiles)
        {
            text += $"; {fixedFiles} {Plural(fixedFiles, "file")} fixed";
        }

        if (ToolErrors > 0)
        {
            text += $"; {ToolErrors} {Plural(ToolErrors, "file")} not checked";
        }

        return text + ".";
    }

    /// <summary>The name an enum value has in the verdict JSON (the one contract for it).</summary>
    public static string ContractName<T>(T value) where T : struct, Enum =>
        JsonSerializer.Serialize(value, ModerationJson.Options).Trim('"');

    private static string Plural(int count, string word) => count == 1 ? word : word + "s";
}
