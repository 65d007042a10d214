using Microsoft.AspNetCore.Http.HttpResults;

namespace Kusd.Moderation.Api.Catalog;

/// <summary>The rule catalog and the request limits, served from the engine so that no client keeps a copy.</summary>
public static class CatalogApi
{
    /// <summary>The rules of the engine, with the words the upload form, the CMS plugin and SARIF show.</summary>
    public sealed record RulesDocument(IReadOnlyList<RuleDto> Rules);

    public sealed record RuleDto(string Id, string Title, string Description, string Help, Severity Severity, string Policy, string AutomaticFix, string? SeverityNote);

    public static RouteGroupBuilder MapCatalog(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Catalog").AllowAnonymous();

        group.MapGet("/rules", GetRules)
            .WithName("GetRules")
            .WithSummary("What each rule means and what to do about it")
            .WithDescription("Every rule id the service reports, with a plain-language title, its meaning under Rule 4226, what to do, its default severity, the policy it enforces and its automatic fix. Clients show these words instead of keeping their own copy.");

        group.MapGet("/limits", GetLimits)
            .WithName("GetLimits")
            .WithSummary("What one check request may carry")
            .WithDescription("The limits the API enforces on a check: request bytes, fields, characters per field, images, bytes and pixels per image, and the image types it reads. Clients check files against them before uploading.");
        return group;
    }

    public static Ok<RulesDocument> GetRules(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Ok(new RulesDocument([.. RuleCatalog.All.Select(r =>
            new RuleDto(r.Id, r.Title, r.Description, r.Help, r.DefaultSeverity, r.Policy, r.AutomaticFix, r.SeverityNote))]));
    }

    public static Ok<RequestLimits> GetLimits(HttpContext http, RequestLimits limits)
    {
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(limits);
    }
}
