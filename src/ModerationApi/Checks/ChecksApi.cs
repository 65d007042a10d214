using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using Kusd.Moderation.Api.Access;
using Kusd.Moderation.Api.Infrastructure;
using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Content;
using Kusd.Moderation.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Checks;

public static class ChecksApi
{
    public static RouteGroupBuilder MapChecks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/checks")
            .WithTags("Checks")
            .WithKeyRateLimit();

        group.MapPost("/", CreateCheck)
            .WithName("CreateCheck")
            .WithSummary("Check a post before it is published")
            .WithDescription("""
                Checks named text fields (plain, Markdown or HTML) and images against Rule 4226 and returns the verdict:
                a decision (approved, approvedWithChanges, needsReview, rejected), findings with spans (UTF-16, end
                exclusive) or image regions, and the sanitized fields. Send application/json (images base64) or
                multipart/form-data (each text part is a field, `format` applies to all text fields, files are images).
                Always 200 for a verdict, whatever the decision. An Idempotency-Key header makes a retry return the first answer.
                Example body: {"fields":[{"name":"body","text":"Emma Kowalski won the spelling bee!","format":"plain"}],"channel":"website"}
                """)
            .Accepts<CheckRequestDto>("application/json", "multipart/form-data")
            .RequireAuthorization(Scopes.Check)
            .DisableAntiforgery();

        group.MapGet("/{id}", GetCheck)
            .WithName("GetCheck")
            .WithSummary("The audit record of a past check")
            .WithDescription("Decision, findings without the submitted text, content hashes, models and timings. A check key reads its own checks; keys with the roster or admin scope read any, and also see which roster person a face matched.")
            .RequireAuthorization(AccessExtensions.AnyScope);
        return group;
    }

    public static async Task<Results<Ok<Verdict>, ProblemHttpResult, ValidationProblem>> CreateCheck(
        HttpContext http,
        ModerationEngine engine,
        CheckStore store,
        IdempotencyCache idempotency,
        InferenceQueue queue,
        IOptions<ApiLimitsOptions> limits,
        IOptions<PersistenceOptions> persistence,
        IOptions<JsonOptions> json,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var read = await CheckRequestReader.ReadAsync(http.Request, limits.Value, json.Value.SerializerOptions, cancellationToken);
        if (read.Error is not null)
        {
            return read.Error switch
            {
                ValidationProblem v => v,
                ProblemHttpResult p => p,
                _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest),
            };
        }

        var request = read.Request!;
        var keyId = http.User.KeyId();
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (idempotencyKey is not null)
        {
            var (outcome, first) = idempotency.Begin(keyId, idempotencyKey, read.RequestSha256);
            switch (outcome)
            {
                case IdempotencyCache.Outcome.Replay:
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                    return TypedResults.Ok(first!);
                case IdempotencyCache.Outcome.InFlight:
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Check in progress", detail: "A check with this Idempotency-Key is still running; retry shortly.");
                case IdempotencyCache.Outcome.Mismatch:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused", detail: "This Idempotency-Key was used with a different request body.");
            }
        }

        try
        {
            IDisposable? lease = null;
            if (request.Images.Count > 0)
            {
                lease = await queue.TryEnterAsync(cancellationToken);
                if (lease is null)
                {
                    http.Response.Headers.RetryAfter = "2";
                    throw new QueueFullException();
                }
            }

            Verdict verdict;
            var audit = new CheckAudit();
            using (lease)
            {
                verdict = await engine.CheckAsync(request, audit, cancellationToken);
            }

            store.Save(new CheckRecord
            {
                Id = verdict.Id,
                KeyId = keyId,
                CreatedUtc = DateTimeOffset.UtcNow,
                Decision = verdict.Decision,
                Channel = request.Channel == Channel.Social ? "social" : "website",
                Findings = [.. verdict.Findings.Select(f => f with { Evidence = null, Fix = null })],
                ContentSha256 = ContentHashes(request),
                Models = verdict.Models,
                Timings = verdict.Timings,
                Matches = CheckStore.MatchesOf(audit.FaceMatches),
                Content = persistence.Value.RetainContent ? request.Fields.ToDictionary(f => f.Name, f => f.Text, StringComparer.Ordinal) : null,
            });

            // Ids, decision and timings only: never names, emails, text or images.
            loggers.CreateLogger("Kusd.Moderation.Checks").LogInformation(
                "Check {CheckId} by key {KeyId}: {Decision}, {FindingCount} findings, {TotalMs:F1} ms",
                verdict.Id,
                keyId,
                verdict.Decision,
                verdict.Findings.Count,
                verdict.Timings.GetValueOrDefault("totalMs"));
            if (idempotencyKey is not null)
            {
                idempotency.Complete(keyId, idempotencyKey, verdict);
            }

            return TypedResults.Ok(verdict);
        }
        catch (QueueFullException)
        {
            Abandon();
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy", detail: "Too many image checks are waiting for the models; retry after the Retry-After seconds.");
        }
        catch
        {
            Abandon();
            throw;
        }

        void Abandon()
        {
            if (idempotencyKey is not null)
            {
                idempotency.Abandon(keyId, idempotencyKey);
            }
        }
    }

    public static Results<Ok<CheckRecord>, NotFound<ProblemDetails>> GetCheck(string id, ClaimsPrincipal user, CheckStore store)
    {
        var mayKnowWho = user.HasScope(Scopes.Roster);
        var record = store.Find(id, includeMatches: mayKnowWho);
        if (record is null || (!mayKnowWho && record.KeyId != user.KeyId()))
        {
            return TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such check", Detail = "No check with that id was made with this key." });
        }

        return TypedResults.Ok(record);
    }

    private static Dictionary<string, string> ContentHashes(CheckRequest request)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in request.Fields)
        {
            hashes[field.Name] = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(field.Text)));
        }

        foreach (var image in request.Images)
        {
            hashes[image.Field] = Convert.ToHexStringLower(SHA256.HashData(image.Data.Span));
        }

        return hashes;
    }

    private sealed class QueueFullException : Exception;
}
