using System.Globalization;
using System.Text;
using Kusd.Moderation.Content;
using Kusd.Moderation.Links;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Evaluation;

/// <summary>
/// <c>real-content [DIR] [--labels FILE] [--unlabeled FILE] [--list] [--images]</c>: checks every published file (.md,
/// .markdown, .html, .htm, .txt; with --images also .jpg, .jpeg, .png, .gif, .webp, through every image checker) of the
/// real school websites that <c>RealContent/fetch.sh</c> brought into DIR (default
/// <c>artifacts/real-content</c>) with the text rules and no roster, as <c>kusd-moderate check .</c> does, and prints
/// the precision of errors plus warnings per rule and per site against the hand labels in
/// <c>RealContent/labels.tsv</c>. Findings without a label are listed (and written to --unlabeled as label lines
/// to fill in; --list prints every finding with its label) and kept out of the precision: they are neither right nor wrong until a person has looked.
/// </summary>
/// <remarks>
/// A label line is <c>site, path, rule, evidence, label</c> separated by tabs; label is <c>right</c> (the finding
/// is one a Web Specialist would act on) or <c>wrong</c>. One label covers every finding of that rule with that
/// evidence in that file. The settings are the defaults plus the site's own domain read from its repository
/// (<see cref="SiteDomains"/>), exactly as the CLI runs <c>check .</c>.
/// </remarks>
internal static class RealContentEvaluation
{
    public static int Run(string? directory, string? labelsPath, string? unlabeledPath, bool list, bool images)
    {
        var root = FindRepositoryRoot();
        var dir = directory ?? Path.Combine(root, "artifacts", "real-content");
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"error: {dir} not found; run tests/Evaluation/RealContent/fetch.sh first");
            return Program.ExitMissingData;
        }

        labelsPath ??= Path.Combine(root, "tests", "Evaluation", "RealContent", "labels.tsv");
        var labels = ReadLabels(labelsPath);
        var sites = Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal).ToList();
        var rows = new List<Row>();
        var crashes = 0;
        var files = 0;
        foreach (var siteDir in sites)
        {
            var site = Path.GetFileName(siteDir);
            // As `kusd-moderate check .` in the site's folder: default settings, and the site's own domain as the
            // repository says (CNAME, _config.yml url, Hugo baseURL, CMS site_url).
            var settings = SiteDomains.WithSiteDomains(new ModerationSettings(), [siteDir]);
            Console.Error.WriteLine($"{site}: own domains {string.Join(", ", settings.Moderation.DistrictDomains.Skip(1))}");
            using var host = ModerationEngineBuilder.Build(settings, new FixedRosterProvider(RosterSnapshot.Empty), withImages: images);
            var engine = host.Engine;
            foreach (var path in Directory.EnumerateFiles(siteDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(siteDir, path).Replace('\\', '/');
                var isImage = images && ContentFiles.IsImage(path);
                var isText = ContentFiles.TryGetTextFormat(path, out var format);
                if (relative.Split('/').Any(p => p.StartsWith('.')) || !(isImage || isText))
                {
                    continue;
                }

                files++;
                var text = isImage ? string.Empty : File.ReadAllText(path, Encoding.UTF8);
                var request = isImage
                    ? new CheckRequest { Images = [new ContentImage("image", Path.GetFileName(path), File.ReadAllBytes(path))] }
                    : new CheckRequest { Fields = [new ContentField("body", text, format)] };
                var verdict = engine.CheckAsync(request).GetAwaiter().GetResult();
                foreach (var finding in verdict.Findings.Where(f => f.Severity is Severity.Error or Severity.Warning))
                {
                    if (finding.RuleId == RuleIds.CheckUnavailable)
                    {
                        crashes++;
                    }

                    var evidence = Clean(finding.Evidence ?? string.Empty);
                    var key = Key(site, relative, finding.RuleId, evidence);
                    labels.TryGetValue(key, out var label);
                    rows.Add(new Row(site, relative, finding.RuleId, finding.Severity, evidence, label, LineOf(text, finding.Span?.Start ?? 0), finding.Message));
                }
            }
        }

        Console.WriteLine($"{files} files in {sites.Count} sites; {rows.Count} errors and warnings; {crashes} checker failures (check/unavailable)");
        Console.WriteLine();
        Print("site", rows.GroupBy(r => r.Site));
        Console.WriteLine();
        Print("rule", rows.GroupBy(r => r.Rule));
        Console.WriteLine();
        Print("all", rows.GroupBy(_ => "all"));

        if (list)
        {
            Console.WriteLine();
            foreach (var r in rows)
            {
                Console.WriteLine($"  [{r.Label ?? "?"}] {r.Site}/{r.Path}:{r.Line} {r.Severity.ToString().ToLowerInvariant()} {r.Rule}: {(r.Rule == RuleIds.CheckUnavailable ? r.Message : r.Evidence)}");
            }
        }

        var unlabeled = rows.Where(r => r.Label is null).ToList();
        if (unlabeled.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"{unlabeled.Count} findings have no label:");
            foreach (var r in unlabeled)
            {
                Console.WriteLine($"  {r.Site}/{r.Path}:{r.Line} {r.Severity.ToString().ToLowerInvariant()} {r.Rule}: {(r.Rule == RuleIds.CheckUnavailable ? r.Message : r.Evidence)}");
            }

            if (unlabeledPath is not null)
            {
                File.WriteAllLines(unlabeledPath, unlabeled
                    .Select(r => Key(r.Site, r.Path, r.Rule, r.Evidence) + "\t?")
                    .Distinct(StringComparer.Ordinal));
            }
        }

        return Program.ExitOk;
    }

    private static void Print(string by, IEnumerable<IGrouping<string, Row>> groups)
    {
        Console.WriteLine($"{by,-28} {"findings",8} {"right",6} {"wrong",6} {"unlab.",6} {"precision",9}");
        foreach (var g in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var right = g.Count(r => r.Label == "right");
            var wrong = g.Count(r => r.Label == "wrong");
            var unlabeled = g.Count(r => r.Label is null);
            var precision = right + wrong == 0 ? "n/a" : ((double)right / (right + wrong)).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"{g.Key,-28} {g.Count(),8} {right,6} {wrong,6} {unlabeled,6} {precision,9}");
        }
    }

    private static Dictionary<string, string> ReadLabels(string path)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return labels;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length >= 5 && parts[4] is "right" or "wrong")
            {
                labels[Key(parts[0], parts[1], parts[2], parts[3])] = parts[4];
            }
        }

        return labels;
    }

    private static string Key(string site, string path, string rule, string evidence) => $"{site}\t{path}\t{rule}\t{evidence}";

    // One line, no tabs, at most 120 characters: evidence is a label key, not a copy of the page.
    private static string Clean(string evidence)
    {
        var oneLine = string.Join(' ', evidence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 120 ? oneLine : oneLine[..120];
    }

    private static int LineOf(string text, int offset)
    {
        var line = 1;
        for (var i = 0; i < Math.Min(offset, text.Length); i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kusd.Moderation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    private sealed record Row(string Site, string Path, string Rule, Severity Severity, string Evidence, string? Label, int Line, string Message);
}
