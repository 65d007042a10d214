using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kusd.Moderation;

/// <summary>
/// What the engine tells an operator, through System.Diagnostics (OpenTelemetry reads both): a span per
/// check and per checker, and counters of decisions, findings per rule and time per checker. Attributes
/// are rule ids, checker names, decisions and channels only: never text, names, file names or who a face is.
/// </summary>
public static class ModerationTelemetry
{
    public const string Name = "Kusd.Moderation";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Checks = Meter.CreateCounter<long>("kusd.checks", "{check}", "Checks by decision and channel.");

    private static readonly Counter<long> FindingsByRule = Meter.CreateCounter<long>("kusd.findings", "{finding}", "Findings by rule and severity.");

    private static readonly Histogram<double> CheckDuration = Meter.CreateHistogram<double>("kusd.check.duration", "ms", "Time of a whole check.");

    private static readonly Histogram<double> CheckerDuration = Meter.CreateHistogram<double>("kusd.checker.duration", "ms", "Time per checker and stage (faces, image-text, decode, a text rule …).");

    internal static void Record(Verdict verdict, Content.Channel channel)
    {
        Checks.Add(1, new("decision", Content.WireNames.Of(verdict.Decision)), new("channel", Content.WireNames.Of(channel)));
        foreach (var finding in verdict.Findings)
        {
            FindingsByRule.Add(1, new("rule", finding.RuleId), new("severity", Content.WireNames.Of(finding.Severity)));
        }

        foreach (var (stage, ms) in verdict.Timings)
        {
            if (stage == "totalMs")
            {
                CheckDuration.Record(ms);
            }
            else
            {
                CheckerDuration.Record(ms, new KeyValuePair<string, object?>("checker", stage));
            }
        }
    }
}
