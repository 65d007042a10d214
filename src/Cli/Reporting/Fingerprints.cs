using System.Security.Cryptography;
using System.Text;
using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary>
/// A finding's identity that survives edits elsewhere in the file: rule, repository path, evidence with
/// case and spacing folded, and which occurrence of that evidence it is. Line numbers are left out on
/// purpose, so a paragraph added above an old finding does not make it "new". SARIF
/// <c>partialFingerprints</c> and baseline files share it.
/// </summary>
internal static class Fingerprints
{
    public const string SarifKey = "kusdFinding/v1";

    /// <summary>One fingerprint per finding of the report, in the report's order.</summary>
    public static IReadOnlyList<string> Of(FileReport report, string repositoryPath)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<string>(report.Findings.Count);
        foreach (var finding in report.Findings)
        {
            var key = $"{finding.RuleId}\n{repositoryPath}\n{Normalize(finding.Evidence)}";
            var occurrence = seen.TryGetValue(key, out var count) ? count : 0;
            seen[key] = occurrence + 1;
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key}\n{occurrence}"));
            result.Add(Convert.ToHexStringLower(hash.AsSpan(0, 16)));
        }

        return result;
    }

    private static string Normalize(string? evidence) =>
        evidence is null ? string.Empty : string.Join(' ', evidence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
