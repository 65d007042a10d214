using System.Security.Claims;
using Kusd.Moderation.Api.Access;
using Kusd.Moderation.Api.Catalog;
using Kusd.Moderation.Api.Infrastructure;
using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Content;
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
        CheckService checks,
        RequestLimits limits,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var read = await CheckRequestReader.ReadAsync(http.Request, limits, json.Value.SerializerOptions, cancellationToken);
        if (read.Error is not null)
        {
            return read.Error switch
            {
                ValidationProblem v => v,
                ProblemHttpResult p => p,
                _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest),
            };
        }

        var (request, requestSha256) = (read.Request!, read.RequestSha256);
        var bound = http.User.BoundSchools();
        if (bound.Count > 0)
        {
            // A key bound to schools checks within them: a request naming none gets the key's schools, one naming another is refused.
            if (request.Schools.FirstOrDefault(s => !bound.Contains(s, StringComparer.OrdinalIgnoreCase)) is not null)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "School outside this key",
                    detail: "This API key is bound to its schools; the request named a school it is not bound to. Leave schools out to check within the key's schools.");
            }

            if (request.Schools.Count == 0)
            {
                request = request with { Schools = bound };
                requestSha256 = CheckRequestReader.Hash(request);
            }
        }

        var outcome = await checks.CheckAsync(request, requestSha256, http.User.KeyId(), http.Request.Headers["Idempotency-Key"].FirstOrDefault(), cancellationToken);
        if (outcome.RetryAfterSeconds is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (outcome.Verdict is null)
        {
            // An image that cannot be read carries the rule id the CLI reports for the same file.
            return TypedResults.Problem(
                statusCode: outcome.Status,
                title: outcome.Title,
                detail: outcome.Detail,
                extensions: outcome.RuleId is null ? null : new Dictionary<string, object?> { ["ruleId"] = outcome.RuleId, ["image"] = outcome.Image });
        }

        if (outcome.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Ok(outcome.Verdict);
    }

    public static Results<Ok<CheckRecord>, ProblemHttpResult> GetCheck(string id, ClaimsPrincipal user, CheckStore store)
    {
        var mayKnowWho = user.HasScope(Scopes.Roster);
        var record = store.Find(id, includeMatches: mayKnowWho);
        if (record is null || (!mayKnowWho && record.KeyId != user.KeyId()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such check", detail: "No check with that id was made with this key.");
        }

        return TypedResults.Ok(record);
    }
}
