using System.Diagnostics;
using Kusd.Moderation.Content;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation;

/// <summary>
/// The one pipeline every caller shares: content in, findings out, decision and sanitized content
/// computed once from the findings. API and CLI are thin shells over it; <see cref="ModerationEngineBuilder"/>
/// puts it together from one options tree. The stages of a check, in order:
/// <list type="number">
/// <item>parse every field (plain, Markdown, HTML) into segments with exact offsets;</item>
/// <item>inspect every image header within the limits, before any model runs (a bad image is the caller's error);</item>
/// <item>per image: decode once, run the image checkers on its pixels side by side, read its text (OCR),
/// then blur what must not be published and release the pixels;</item>
/// <item>run the text rules once over the post's fields and the text read from images;</item>
/// <item>deduplicate, decide, and apply the automatic text fixes.</item>
/// </list>
/// A checker that throws or outlives <see cref="ModerationOptions.CheckerTimeout"/> is cancelled and
/// reported as <c>check/unavailable</c>, so content is never approved because a checker failed.
/// </summary>
public sealed class ModerationEngine
{
    private readonly IReadOnlyList<IContentRule> _rules;
    private readonly IRosterProvider _roster;
    private readonly ModerationOptions _options;
    private readonly ImagePipeline? _images;

    /// <param name="rules">The text rules (the builder's list; tests may pass a subset).</param>
    /// <param name="images">The image stages; without them images are never approved unseen (<c>check/unavailable</c>).</param>
    public ModerationEngine(
        IEnumerable<IContentRule> rules,
        IRosterProvider roster,
        ModerationOptions options,
        ImagePipeline? images = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        _roster = roster ?? throw new ArgumentNullException(nameof(roster));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _images = images;
        Models = _rules.OfType<IModelBackedRule>()
            .SelectMany(r => r.Models)
            .Concat(images?.Models ?? [])
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<IContentRule> Rules => _rules;

    public ImagePipeline? Images => _images;

    public ModerationOptions Options => _options;

    /// <summary>Model name to version, as reported in every verdict.</summary>
    public IReadOnlyDictionary<string, string> Models { get; }

    public Task<Verdict> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default) =>
        CheckAsync(request, audit: null, cancellationToken);

    /// <summary>Checks content; what only the audit record may hold (who a face matched) goes to <paramref name="audit"/>.</summary>
    /// <exception cref="ImageRejectedException">An image is not one the limits accept (unknown format, corrupt, too large).</exception>
    public async Task<Verdict> CheckAsync(CheckRequest request, CheckAudit? audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = ModerationTelemetry.Source.StartActivity("check");
        activity?.SetTag("kusd.fields", request.Fields.Count);
        activity?.SetTag("kusd.images", request.Images.Count);
        var total = Stopwatch.StartNew();
        var run = new CheckRun();
        var findings = new List<Finding>();
        audit ??= new CheckAudit();

        var watch = Stopwatch.StartNew();
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

        run.Time("parse", watch.Elapsed.TotalMilliseconds);
        var context = new CheckContext(request, fields, _roster.Current, _options) { Audit = audit };

        var fixedImageFindings = new HashSet<Finding>(ReferenceEqualityComparer.Instance);
        var sanitizedImages = new List<SanitizedImage>();
        var imageTexts = new List<ImageText>();
        if (request.Images.Count > 0)
        {
            if (_images is null)
            {
                findings.Add(Unavailable("images", "No image checker is configured here, so the images were not checked; a person must review them."));
            }
            else
            {
                await CheckImagesAsync(_images, context, findings, imageTexts, sanitizedImages, fixedImageFindings, run, cancellationToken).ConfigureAwait(false);
            }
        }

        // One pass of the text rules over the post and the text read from its images.
        var textContext = imageTexts.Count == 0
            ? context
            : new CheckContext(request, [.. fields, .. imageTexts.Select(t => ContentParser.Parse(t.Field))], context.Roster, _options) { Audit = audit };
        var textFindings = new List<Finding>();
        foreach (var rule in _rules)
        {
            await RunCheckerAsync(rule.Name, (found, token) => rule.AnalyzeAsync(textContext, found, token), textFindings, run, cancellationToken).ConfigureAwait(false);
        }

        var readFrom = imageTexts.ToDictionary(t => t.Field.Name, StringComparer.Ordinal);
        findings.AddRange(textFindings.Select(f =>
            f.Target.Kind == FindingTarget.TextKind && readFrom.TryGetValue(f.Target.Field, out var read) ? ImageTextStage.ToImageFinding(f, read) : f));

        var ordered = Deduplicate(findings);
        if (ordered.Count > _options.MaxFindingsPerCheck)
        {
            run.Omit(ordered.Count - _options.MaxFindingsPerCheck + 1);
            ordered = [.. ordered.Take(_options.MaxFindingsPerCheck - 1), Omitted("check", ordered.Count - _options.MaxFindingsPerCheck + 1)];
        }

        var sanitizedFields = SanitizeFields(request, ordered);
        run.Time("totalMs", total.Elapsed.TotalMilliseconds);
        var verdict = new Verdict
        {
            Id = NewCheckId(),
            Decision = Decide(ordered, fixedImageFindings),
            Findings = ordered,
            Sanitized = new SanitizedContent(sanitizedFields, sanitizedImages),
            Timings = run.Timings,
            Models = Models,
            FindingsOmitted = run.Omitted,
        };
        ModerationTelemetry.Record(verdict, request.Channel);
        activity?.SetTag("kusd.decision", verdict.Decision.ToString());
        return verdict;
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

    private async Task CheckImagesAsync(
        ImagePipeline pipeline,
        CheckContext context,
        List<Finding> findings,
        List<ImageText> imageTexts,
        List<SanitizedImage> sanitizedImages,
        HashSet<Finding> fixedImageFindings,
        CheckRun run,
        CancellationToken cancellationToken)
    {
        var request = context.Request;

        // The boundary: every header is inspected before any model runs.
        var watch = Stopwatch.StartNew();
        var headers = request.Images.Select(i => Refusing(i, () => pipeline.Intake.Inspect(i.Data))).ToList();
        run.Time("inspect", watch.Elapsed.TotalMilliseconds);

        // One image at a time: its pixels are the only decoded copy in memory for this check.
        for (var i = 0; i < request.Images.Count; i++)
        {
            watch.Restart();
            using var image = await Task.Run(
                () => new DecodedImage(request.Images[i], headers[i], Refusing(request.Images[i], () => pipeline.Intake.Decode(request.Images[i].Data, headers[i], cancellationToken))),
                cancellationToken).ConfigureAwait(false);
            run.Time("decode", watch.Elapsed.TotalMilliseconds);

            var imageFindings = new List<Finding>();
            var frames = image.SplitFrames();
            try
            {
                foreach (var frame in frames)
                {
                    var found = new List<Finding>();
                    await CheckFrameAsync(pipeline, frame, context, found, imageTexts, run, cancellationToken).ConfigureAwait(false);
                    imageFindings.AddRange(frame.Header.Frames > 1 ? found.Select(f => f with { Message = f.Message + frame.FrameLabel }) : found);
                }
            }
            finally
            {
                foreach (var frame in frames.Where(f => !ReferenceEquals(f, image)))
                {
                    frame.Dispose();
                }
            }

            findings.AddRange(imageFindings);

            // A sanitized copy of an animation would have to be one of every frame; none is made, so
            // nothing in it counts as fixed and a restricted face keeps the post rejected.
            if (request.ReturnSanitizedImages && pipeline.Sanitizer is { } sanitizer && image.Header.Frames == 1)
            {
                watch.Restart();
                var toMask = imageFindings.Where(f => f.Region is not null && sanitizer.Removes(f)).ToList();
                fixedImageFindings.UnionWith(toMask);
                sanitizedImages.Add(await Task.Run(() => sanitizer.Sanitize(image, toMask, cancellationToken), cancellationToken).ConfigureAwait(false));
                run.Time("sanitize", watch.Elapsed.TotalMilliseconds);
            }
        }
    }

    /// <summary>The image checkers side by side on one frame, and its text read for the text rules.</summary>
    private async Task CheckFrameAsync(
        ImagePipeline pipeline,
        DecodedImage image,
        CheckContext context,
        List<Finding> imageFindings,
        List<ImageText> imageTexts,
        CheckRun run,
        CancellationToken cancellationToken)
    {
        var imageContext = new ImageCheckContext(image, context);
        var running = pipeline.Rules
            .Select(rule => RunCheckerAsync(rule.Name, (found, token) => RunOnPool(() => rule.Analyze(imageContext, found, token), token), imageFindings, run, cancellationToken))
            .ToList();
        if (pipeline.Text is { } text)
        {
            running.Add(RunCheckerAsync(
                text.Name,
                (_, token) => RunOnPool(
                    () =>
                    {
                        if (text.Read(image, token) is { } read)
                        {
                            lock (imageTexts)
                            {
                                imageTexts.Add(read);
                            }
                        }
                    },
                    token),
                imageFindings,
                run,
                cancellationToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one checker with its own deadline. At the deadline the checker's token is cancelled and the
    /// engine stops waiting for it, so a stuck checker costs a core only until it next looks at its token.
    /// </summary>
    private async Task RunCheckerAsync(
        string name,
        Func<IList<Finding>, CancellationToken, ValueTask> checker,
        List<Finding> sink,
        CheckRun run,
        CancellationToken cancellationToken)
    {
        using var activity = ModerationTelemetry.Source.StartActivity("checker " + name);
        activity?.SetTag("kusd.checker", name);
        var found = new FindingBuffer(_options.MaxFindingsPerRule);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.CheckerTimeout);
        var watch = Stopwatch.StartNew();
        Finding? failure = null;
        try
        {
            await checker(found, deadline.Token).AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = Unavailable(name, $"The {name} checker did not finish in time; a person must review this content.");
        }
        catch (Exception ex) when (IsCheckerFailure(ex, cancellationToken))
        {
            failure = Unavailable(name, ex);
        }

        if (failure is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "check/unavailable");
        }

        lock (sink)
        {
            if (failure is null)
            {
                sink.AddRange(found);
                if (found.Dropped > 0)
                {
                    run.Omit(found.Dropped);
                    sink.Add(Omitted(name, found.Dropped));
                }
            }
            else
            {
                sink.Add(failure);
            }

            run.Time(name, watch.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Names the image a refusal is about, so the caller knows which of its files to fix.</summary>
    private static T Refusing<T>(ContentImage image, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ImageRejectedException ex) when (ex.Field is null)
        {
            throw new ImageRejectedException(ex.Reason, ex.Message, ex) { Field = image.Field };
        }
    }

    private static ValueTask RunOnPool(Action work, CancellationToken cancellationToken) =>
        new(Task.Run(work, cancellationToken));

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

    // Never approved: a person must look at content with more problems than a verdict lists.
    private static Finding Omitted(string checker, int count) =>
        Unavailable(checker, $"The {checker} checker found {count:N0} more findings than are listed; a person must review this content.");

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

/// <summary>What one check accumulates besides findings: time per stage and checker, and findings left out.</summary>
internal sealed class CheckRun
{
    private int _omitted;

    public Dictionary<string, double> Timings { get; } = new(StringComparer.Ordinal);

    public int Omitted => Volatile.Read(ref _omitted);

    public void Time(string name, double ms)
    {
        lock (Timings)
        {
            Timings[name] = Timings.GetValueOrDefault(name) + ms;
        }
    }

    public void Omit(int count) => Interlocked.Add(ref _omitted, count);
}
