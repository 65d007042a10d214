using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary>
/// SARIF 2.1.0 as GitHub code scanning reads it: rule descriptors with help, UTF-16 columns,
/// repository-relative URIs and fingerprints that ignore line moves. Evidence is never written: the
/// file may be private but an uploaded alert is visible to everyone with read access.
/// </summary>
internal static class SarifReportWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string InformationUri = "https://www.kusd.edu/";

    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<FileReport> reports, RepositoryPaths paths)
    {
        var results = new JsonArray();
        var notifications = new JsonArray();
        var usedRules = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            var uri = paths.Uri(report.File.FullPath);
            if (report.Error is not null)
            {
                notifications.Add(new JsonObject
                {
                    ["level"] = "error",
                    ["message"] = new JsonObject { ["text"] = $"{report.File.DisplayPath}: {report.Error}" },
                    ["locations"] = new JsonArray(Location(uri, null)),
                });
            }

            var fingerprints = report.Fingerprints ?? Fingerprints.Of(report, paths.Relative(report.File.FullPath));
            for (var i = 0; i < report.Findings.Count; i++)
            {
                var finding = report.Findings[i];
                usedRules.Add(finding.RuleId);
                var message = finding.Region is { } r ? $"{finding.Message} (region {r.X},{r.Y},{r.Width},{r.Height})" : finding.Message;
                results.Add(new JsonObject
                {
                    ["ruleId"] = finding.RuleId,
                    ["level"] = Level(finding.Severity),
                    ["message"] = new JsonObject { ["text"] = message },
                    ["locations"] = new JsonArray(Location(uri, finding)),
                    ["partialFingerprints"] = new JsonObject { [Fingerprints.SarifKey] = fingerprints[i] },
                });
            }
        }

        var rules = new JsonArray();
        foreach (var info in RuleCatalog.All.Select(r => r.Id).Concat(usedRules).Distinct(StringComparer.Ordinal).Select(RuleCatalog.Find))
        {
            rules.Add(new JsonObject
            {
                ["id"] = info.Id,
                ["shortDescription"] = new JsonObject { ["text"] = info.Title },
                ["fullDescription"] = new JsonObject { ["text"] = info.Description },
                ["help"] = new JsonObject { ["text"] = $"{info.Help} {info.Policy}." },
                ["defaultConfiguration"] = new JsonObject { ["level"] = Level(info.DefaultSeverity) },
            });
        }

        var document = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "kusd-moderate",
                        ["version"] = ToolVersion,
                        ["informationUri"] = InformationUri,
                        ["rules"] = rules,
                    },
                },
                ["invocations"] = new JsonArray(new JsonObject
                {
                    ["executionSuccessful"] = notifications.Count == 0,
                    ["toolExecutionNotifications"] = notifications,
                }),
                ["columnKind"] = "utf16CodeUnits",
                ["results"] = results,
            }),
        };
        await writer.WriteLineAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
    }

    public static string ToolVersion { get; } =
        (typeof(SarifReportWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    private static JsonObject Location(string uri, Finding? finding)
    {
        var physical = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = uri } };
        if (finding is not null && TextRange.Of(finding) is { } range)
        {
            physical["region"] = new JsonObject
            {
                ["startLine"] = range.StartLine,
                ["startColumn"] = range.StartColumn,
                ["endLine"] = range.EndLine,
                ["endColumn"] = range.EndColumn,
            };
        }

        return new JsonObject { ["physicalLocation"] = physical };
    }
}

/// <summary>Where a text finding starts and ends (1-based, end column exclusive), from its start and its evidence.</summary>
internal readonly record struct TextRange(int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static TextRange? Of(Finding finding)
    {
        if (finding.Line is not { } line || finding.Column is not { } column)
        {
            return null;
        }

        // The evidence is the field's text over the span, so its line breaks are the span's.
        var evidence = finding.Evidence ?? string.Empty;
        var length = finding.Span?.Length ?? evidence.Length;
        var lastBreak = evidence.LastIndexOfAny(['\n', '\r']);
        if (lastBreak < 0)
        {
            return new TextRange(line, column, line, column + Math.Max(length, 1));
        }

        var breaks = evidence.Replace("\r\n", "\n", StringComparison.Ordinal).Count(c => c is '\n' or '\r');
        return new TextRange(line, column, line + breaks, evidence.Length - lastBreak);
    }
}
