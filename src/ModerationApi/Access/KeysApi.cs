using Microsoft.AspNetCore.Http.HttpResults;

namespace Kusd.Moderation.Api.Access;

/// <param name="Schools">Optional: bind the key to these schools (roster school codes), for the CMS of one school.</param>
public sealed record CreateKeyDto(string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string>? Schools = null);

public sealed record CreatedKeyDto(ApiKeyInfo Info, string Key);

public static class KeysApi
{
    public static RouteGroupBuilder MapKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/keys").WithTags("Keys").RequireAuthorization(Scopes.Admin).WithKeyRateLimit();
        group.MapGet("/", (ApiKeyStore keys) => TypedResults.Ok(keys.List()))
            .WithSummary("List API keys").WithDescription("Ids, names, scopes and dates; never the keys themselves (only their hashes are stored).");
        group.MapPost("/", Create).WithSummary("Create an API key")
            .WithDescription("""
                The key is in the answer once and never again. Example: {"name":"WordPress plugin","scopes":["check"]}.
                A key for one school's CMS can be bound to its schools, {"name":"Bradford High site","scopes":["check"],"schools":["bradford"]}:
                its checks then compare faces only with those schools' restricted students, and it may not name other schools.
                """);
        group.MapDelete("/{id}", Revoke).WithSummary("Revoke an API key").WithDescription("Takes effect within a few seconds on every server.");
        return group;
    }

    public static Results<Created<CreatedKeyDto>, ValidationProblem> Create(CreateKeyDto body, ApiKeyStore keys)
    {
        try
        {
            var (info, key) = keys.Create(body.Name, body.Scopes ?? [], body.Schools);
            return TypedResults.Created($"/v1/keys/{info.Id}", new CreatedKeyDto(info, key));
        }
        catch (ArgumentException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.ParamName ?? "body"] = [ex.Message] });
        }
    }

    public static Results<NoContent, NotFound<ProblemDetails>> Revoke(string id, ApiKeyStore keys) =>
        keys.Revoke(id)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such key", Detail = "No active key with that id." });
}
