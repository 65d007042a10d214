using System.Diagnostics;
using Kusd.Moderation.Content;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation;

/// <summary>
/// The one pipeline every caller shares: content in, findings out, decision and sanitized content
/// computed once from the findings. API and CLI are thin shells over it.
/// </summary>
public sealed class ModerationEngine
{
    private readonly IReadOnlyList<IContentRule> _rules;
    private readonly IRosterProvider _roster;
    private readonly ModerationOptions _options;
    private readonly IImageSanitizer? _imageSanitizer;

    public ModerationEngine(
        IEnumerable<IContentRule> rules,
        IRosterProvider roster,
        ModerationOptions options,
        IImageSanitizer? imageSanitizer = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        _roster = roster ?? throw new ArgumentNullException(nameof(roster));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _imageSanitizer = imageSanitizer;
        Models = _rules.OfType<IModelBackedRule>()
            .SelectMany(r => r.Models)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<IContentRule> Rules => _rules;

    public ModerationOptions Options => _options;

    /// <summary>Model name to version, as reported in every verdict.</summary>
    public IReadOnlyDictionary<string, string> Models { get; }

    public Task<Verdict> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default) =>
        CheckAsync(request, audit: null, cancellationToken);

    /// <summary>Checks content; what only the audit record may hold (who a face matched) goes to <paramref name="audit"/>.</summary>
    public async Task<Verdict> CheckAsync(CheckRequest request, CheckAudit? audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var findings = new List<Finding>();

        var parseWatch = Stopwatch.StartNew();
        var fields = new List<ParsedField>(request.Fields.Count);
        foreach (var field in request.Fields)
        {
            try
            {
                fields.Add(ContentParser.Parse(field));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                findings.Add(Unavailable("parser", $"The {field.Name} field could not be read ({ex.GetType().Name}); a person must review it."));
            }
        }

        timings["parse"] = parseWatch.Elapsed.TotalMilliseconds;
        var context = new CheckContext(request, fields, _roster.Current, _options) { Audit = audit ?? new CheckAudit() };

        if (request.Images.Count > 0 && !_rules.Any(r => r is IImageContentRule))
        {
            findings.Add(Unavailable("images", "No image checker is configured here, so the images were not checked; a person must review them."));
        }

        var running = new List<(IContentRule Rule, List<Finding> Found, Task Task, Stopwatch Watch)>();
        foreach (var rule in _rules)
        {
            var found = new List<Finding>();
            var watch = Stopwatch.StartNew();
            ValueTask pending;
            try
            {
                pending = rule.AnalyzeAsync(context, found, cancellationToken);
            }
            catch (Exception ex) when (IsCheckerFailure(ex, cancellationToken))
            {
                findings.Add(Unavailable(rule.Name, ex));
                continue;
            }

            if (pending.IsCompletedSuccessfully)
            {
                timings[rule.Name] = watch.Elapsed.TotalMilliseconds;
                findings.AddRange(found);
            }
            else
            {
                running.Add((rule, found, pending.AsTask(), watch));
            }
        }

        foreach (var (rule, found, task, watch) in running)
        {
            try
            {
                await task.WaitAsync(_options.CheckerTimeout, cancellationToken).ConfigureAwait(false);
                timings[rule.Name] = watch.Elapsed.TotalMilliseconds;
                lock (found)
                {
                    findings.AddRange(found);
                }
            }
            catch (TimeoutException)
            {
                findings.Add(Unavailable(rule.Name, $"The {rule.Name} checker did not finish in time; a person must review this content."));
            }
            catch (Exception ex) when (IsCheckerFailure(ex, cancellationToken))
            {
                findings.Add(Unavailable(rule.Name, ex));
            }
        }

        var ordered = Deduplicate(findings);
        var sanitizedFields = SanitizeFields(request, ordered);
        var fixedImageFindings = ImageFindingsFixedBySanitizing(request, ordered);
        var sanitizedImages = await SanitizeImagesAsync(request, ordered, fixedImageFindings, cancellationToken).ConfigureAwait(false);

        timings["totalMs"] = total.Elapsed.TotalMilliseconds;
        return new Verdict
        {
            Id = NewCheckId(),
            Decision = Decide(ordered, fixedImageFindings),
            Findings = ordered,
            Sanitized = new SanitizedContent(sanitizedFields, sanitizedImages),
            Timings = timings,
            Models = Models,
        };
    }

    /// <summary>The decision of DESIGN.md from the findings that remain after automatic fixes.</summary>
    public static Decision Decide(IReadOnlyList<Finding> findings, IReadOnlySet<Finding>? fixedImageFindings = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var anyFixed = false;
        var anyWarning = false;
        foreach (var finding in findings)
        {
            var isFixed = finding.Fix is not null || (fixedImageFindings?.Contains(finding) ?? false);
            if (finding.Severity == Severity.Error && !isFixed)
            {
                return Decision.Rejected;
            }

            anyFixed |= isFixed && finding.Severity != Severity.Note;
            anyWarning |= finding.Severity == Severity.Warning && !isFixed;
        }

        return anyWarning ? Decision.NeedsReview : anyFixed ? Decision.ApprovedWithChanges : Decision.Approved;
    }

    /// <summary>Applies every text fix of a field, later spans first; of overlapping fixes the earliest, longest wins.</summary>
    public static string ApplyFixes(string original, IEnumerable<Finding> fieldFindings)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(fieldFindings);
        var chosen = new List<(TextSpan Span, string Replacement)>();
        foreach (var f in fieldFindings
                     .Where(f => f.Fix is not null && f.Span is not null)
                     .OrderBy(f => f.Span!.Value.Start)
                     .ThenByDescending(f => f.Span!.Value.Length))
        {
            var span = f.Span!.Value;
            if (span.Start < 0 || span.End > original.Length || span.End < span.Start)
            {
                continue;
            }

            if (chosen.Count > 0 && chosen[^1].Span.Overlaps(span))
            {
                continue;
            }

            chosen.Add((span, f.Fix!.Replacement));
        }

        if (chosen.Count == 0)
        {
            return original;
        }

        var builder = new System.Text.StringBuilder(original.Length);
        var position = 0;
        foreach (var (span, replacement) in chosen)
        {
            builder.Append(original, position, span.Start - position).Append(replacement);
            position = span.End;
        }

        return builder.Append(original, position, original.Length - position).ToString();
    }

    private static Dictionary<string, string> SanitizeFields(CheckRequest request, IReadOnlyList<Finding> findings)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in request.Fields)
        {
            result[field.Name] = ApplyFixes(field.Text, findings.Where(f => f.Target.Kind == FindingTarget.TextKind && f.Target.Field == field.Name));
        }

        return result;
    }

    private HashSet<Finding> ImageFindingsFixedBySanitizing(CheckRequest request, IReadOnlyList<Finding> findings)
    {
        var result = new HashSet<Finding>(ReferenceEqualityComparer.Instance);
        if (!request.ReturnSanitizedImages || _imageSanitizer is null)
        {
            return result;
        }

        foreach (var f in findings)
        {
            if (f.Target.Kind == FindingTarget.ImageKind && f.Region is not null && _imageSanitizer.Removes(f))
            {
                result.Add(f);
            }
        }

        return result;
    }

    private async Task<IReadOnlyList<SanitizedImage>> SanitizeImagesAsync(
        CheckRequest request, IReadOnlyList<Finding> findings, HashSet<Finding> fixedImageFindings, CancellationToken cancellationToken)
    {
        if (!request.ReturnSanitizedImages || _imageSanitizer is null || request.Images.Count == 0)
        {
            return [];
        }

        var images = new List<SanitizedImage>(request.Images.Count);
        foreach (var image in request.Images)
        {
            var toMask = findings.Where(f => fixedImageFindings.Contains(f) && f.Target.Field == image.Field).ToList();
            images.Add(await _imageSanitizer.SanitizeAsync(image, toMask, cancellationToken).ConfigureAwait(false));
        }

        return images;
    }

    private static List<Finding> Deduplicate(List<Finding> findings)
    {
        var seen = new HashSet<(string, string, string, TextSpan?, ImageRegion?)>();
        var result = new List<Finding>(findings.Count);
        foreach (var f in findings
                     .OrderBy(f => f.Target.Kind, StringComparer.Ordinal)
                     .ThenBy(f => f.Target.Field, StringComparer.Ordinal)
                     .ThenBy(f => f.Span?.Start ?? -1)
                     .ThenBy(f => f.Region?.Y ?? -1)
                     .ThenBy(f => f.Region?.X ?? -1)
                     .ThenBy(f => f.RuleId, StringComparer.Ordinal))
        {
            if (seen.Add((f.RuleId, f.Target.Kind, f.Target.Field, f.Span, f.Region)))
            {
                result.Add(f);
            }
        }

        return result;
    }

    // A refused image is the caller's error (415/422), not a checker failure; cancellation by the caller ends the check.
    private static bool IsCheckerFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not ImageRejectedException
        && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested);

    private static Finding Unavailable(string checker, Exception ex) =>
        Unavailable(checker, $"The {checker} checker failed ({ex.GetType().Name}); a person must review this content.");

    private static Finding Unavailable(string checker, string message) => new()
    {
        RuleId = RuleIds.CheckUnavailable,
        Severity = Severity.Warning,
        Message = message,
        Policy = PolicyRefs.Safety,
        Target = new FindingTarget("check", checker),
    };

    private static string NewCheckId() => "chk_" + Guid.CreateVersion7().ToString("N");
}

/// <summary>A checker backed by model files, whose names and versions every verdict reports.</summary>
public interface IModelBackedRule
{
    IReadOnlyDictionary<string, string> Models { get; }
}

/// <summary>Blurs faces and strips metadata, so that image findings it removes count as fixed.</summary>
public interface IImageSanitizer
{
    /// <summary>Whether sanitizing removes what this finding is about (a restricted face, say).</summary>
    bool Removes(Finding finding);

    Task<SanitizedImage> SanitizeAsync(ContentImage image, IReadOnlyList<Finding> regionsToMask, CancellationToken cancellationToken);
}
