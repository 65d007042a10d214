using System.ComponentModel;
using System.Security.Claims;
using Kusd.Moderation.Api.Access;
using Kusd.Moderation.Api.Infrastructure;
using Kusd.Moderation.Api.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kusd.Moderation.Api.Checks;

/// <summary>An override of a check's decision: who published anyway (a CMS login, staff, never a student) and why.</summary>
public sealed record CreateOverrideDto(
    [property: Description("Why the content is published despite the decision, as the person wrote it.")] string? Reason,
    [property: Description("The CMS user who overrode (login or display name).")] string? User);

public static class OverridesApi
{
    /// <summary>A reason shorter than this says nothing a reviewer could follow up on ("ok", "fine").</summary>
    public const int MinReasonLength = 10;

    public const int MaxReasonLength = 2000;

    public const int MaxUserLength = 200;

    public static RouteGroupBuilder MapOverrides(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/checks/{id}/overrides")
            .WithTags("Checks")
            .WithKeyRateLimit()
            .RequireAuthorization(Scopes.Check)
            .DisableAntiforgery();

        group.MapPost("/", CreateOverride)
            .WithName("CreateOverride")
            .WithSummary("Record that a check's content was published against its decision")
            .WithDescription("""
                A CMS calls this when a person with the right to do so publishes content the check rejected or sent to
                review, with the written reason. The key that made the check records it. Example body:
                {"reason":"The family withdrew the media restriction by phone today; office updates the roster.","user":"jsmith"}
                """);
        group.MapGet("/", ListOverrides)
            .WithName("ListOverrides")
            .WithSummary("The overrides recorded for a check");
        return group;
    }

    public static Results<Created<CheckOverride>, NotFound<ProblemDetails>, ValidationProblem> CreateOverride(
        string id, CreateOverrideDto? body, ClaimsPrincipal user, CheckStore store)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = body?.Reason?.Trim() ?? "";
        var who = body?.User?.Trim() ?? "";
        if (reason.Length < MinReasonLength || reason.Length > MaxReasonLength)
        {
            errors["reason"] = [$"Write why the content is published anyway, in {MinReasonLength} to {MaxReasonLength} characters."];
        }

        if (who.Length == 0 || who.Length > MaxUserLength || who.Any(char.IsControl))
        {
            errors["user"] = [$"Name the CMS user who overrode, in 1 to {MaxUserLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The override is not valid");
        }

        if (!OwnsCheck(id, user, store))
        {
            return NoSuchCheck();
        }

        var saved = store.SaveOverride(id, user.KeyId(), who, reason);
        return TypedResults.Created($"/v1/checks/{Uri.EscapeDataString(id)}/overrides", saved);
    }

    public static Results<Ok<IReadOnlyList<CheckOverride>>, NotFound<ProblemDetails>> ListOverrides(string id, ClaimsPrincipal user, CheckStore store) =>
        OwnsCheck(id, user, store) ? TypedResults.Ok(store.OverridesOf(id)) : NoSuchCheck();

    // Same rule as GET /v1/checks/{id}: a key sees only its own checks.
    private static bool OwnsCheck(string id, ClaimsPrincipal user, CheckStore store) =>
        store.Find(id, includeMatches: false) is { } record && record.KeyId == user.KeyId();

    private static NotFound<ProblemDetails> NoSuchCheck() =>
        TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such check", Detail = "No check with that id was made with this key." });
}
