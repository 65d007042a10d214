using System.Security.Cryptography;
using Kusd.Moderation.Api.Infrastructure;
using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Content;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Rules;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Checks;

/// <summary>What a check request came to: a verdict (always a 200), or a problem that names why there is none.</summary>
public sealed record CheckOutcome(Verdict? Verdict, int Status = StatusCodes.Status200OK, string? Title = null, string? Detail = null, bool Replayed = false, int? RetryAfterSeconds = null, string? RuleId = null, string? Image = null)
{
    public static CheckOutcome Problem(int status, string title, string detail, int? retryAfterSeconds = null, string? ruleId = null, string? image = null) =>
        new(null, status, title, detail, RetryAfterSeconds: retryAfterSeconds, RuleId: ruleId, Image: image);
}

/// <summary>
/// Behind <c>POST /v1/checks</c>: idempotency, admission of image checks, the engine, the audit record and
/// one log line. It knows nothing of how the request was encoded (JSON or multipart).
/// </summary>
public sealed partial class CheckService(
    ModerationEngine engine,
    AuditWriter audits,
    IdempotencyCache idempotency,
    InferenceQueue queue,
    IOptions<PersistenceOptions> persistence,
    ILogger<CheckService> logger)
{
    /// <summary>
    /// How long a client turned away by a full image queue should wait: a full queue of photos takes a few
    /// seconds a photo on two cores to drain, so sooner would mostly be turned away again.
    /// </summary>
    public const int BusyRetryAfterSeconds = 5;

    public async Task<CheckOutcome> CheckAsync(CheckRequest request, string requestSha256, string keyId, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (idempotencyKey is not null)
        {
            var (outcome, first) = idempotency.Begin(keyId, idempotencyKey, requestSha256);
            switch (outcome)
            {
                case IdempotencyCache.Outcome.Replay:
                    return new CheckOutcome(first, Replayed: true);
                case IdempotencyCache.Outcome.InFlight:
                    return CheckOutcome.Problem(StatusCodes.Status409Conflict, "Check in progress", "A check with this Idempotency-Key is still running; retry shortly.", retryAfterSeconds: 1);
                case IdempotencyCache.Outcome.Mismatch:
                    return CheckOutcome.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", "This Idempotency-Key was used with a different request body.");
            }
        }

        var completed = false;
        try
        {
            using var lease = request.Images.Count > 0 ? await queue.TryEnterAsync(cancellationToken) : NoLease.Instance;
            if (lease is null)
            {
                return CheckOutcome.Problem(StatusCodes.Status503ServiceUnavailable, "Busy", "Too many image checks are waiting for the models; retry after the Retry-After seconds.", retryAfterSeconds: BusyRetryAfterSeconds);
            }

            var audit = new CheckAudit();
            Verdict verdict;
            try
            {
                verdict = await engine.CheckAsync(request, audit, cancellationToken);
            }
            catch (ImageRejectedException ex)
            {
                // Expected bad input: one line, no stack; the message names the limit, never the content.
                logger.LogInformation("Check by key {KeyId} refused: image {Reason}", keyId, ex.Reason);
                return ex.Reason == ImageRejection.UnknownFormat
                    ? CheckOutcome.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported image type", ex.Message, ruleId: RuleIds.CheckUnavailable, image: ex.Field)
                    : CheckOutcome.Problem(StatusCodes.Status422UnprocessableEntity, "The image cannot be used", ex.Message, ruleId: RuleIds.CheckUnavailable, image: ex.Field);
            }

            await audits.SaveAsync(new CheckRecord
            {
                Id = verdict.Id,
                KeyId = keyId,
                CreatedUtc = DateTimeOffset.UtcNow,
                Decision = verdict.Decision,
                Channel = WireNames.Of(request.Channel),
                Findings = [.. verdict.Findings.Select(f => f with { Evidence = null, Fix = null, Target = AuditTarget(f.Target) })],
                ContentSha256 = ContentHashes(request),
                Models = verdict.Models,
                Timings = verdict.Timings,
                Matches = CheckStore.MatchesOf(audit.FaceMatches),
                Content = persistence.Value.RetainContent ? request.Fields.ToDictionary(f => f.Name, f => f.Text, StringComparer.Ordinal) : null,
            });

            // Ids, decision and timings only: never names, emails, text or images.
            logger.LogDebug(
                "Check {CheckId} by key {KeyId}: {Decision}, {FindingCount} findings, {TotalMs:F1} ms",
                verdict.Id,
                keyId,
                verdict.Decision,
                verdict.Findings.Count,
                verdict.Timings.GetValueOrDefault("totalMs"));
            if (idempotencyKey is not null)
            {
                idempotency.Complete(keyId, idempotencyKey, verdict);
                completed = true;
            }

            return new CheckOutcome(verdict);
        }
        finally
        {
            if (idempotencyKey is not null && !completed)
            {
                idempotency.Abandon(keyId, idempotencyKey);
            }
        }
    }

    private static Dictionary<string, string> ContentHashes(CheckRequest request)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in request.Fields)
        {
            hashes[AuditField(field.Name)] = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(field.Text)));
        }

        foreach (var image in request.Images)
        {
            hashes[AuditField(image.Field)] = Convert.ToHexStringLower(SHA256.HashData(image.Data.Span));
        }

        return hashes;
    }

    // File names ("Xavier_Pemberton_grade2.jpg") and free-form field names are content: the audit keeps
    // the usual field names and images[N], and a hash of anything else, so records still line up.
    private static readonly System.Buffers.SearchValues<string> UsualFields = System.Buffers.SearchValues.Create(
        ["title", "body", "content", "excerpt", "caption", "description", "summary", "alt", "text", "message"], StringComparison.OrdinalIgnoreCase);

    // A "check" target names a checker (faces, names), not content: only text and image targets are hashed.
    private static FindingTarget AuditTarget(FindingTarget target) =>
        target.Kind is FindingTarget.TextKind or FindingTarget.ImageKind ? target with { Field = AuditField(target.Field), Name = null } : target;

    private static string AuditField(string field) =>
        UsualFields.Contains(field) || ImageField().IsMatch(field)
            ? field
            : "field-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(field)))[..12];

    [System.Text.RegularExpressions.GeneratedRegex(@"^images\[\d{1,3}\]$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ImageField();

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
