using Kusd.Moderation.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

namespace Kusd.Moderation.Api.Infrastructure;

public static class DocsAndHealth
{
    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Kusd.Moderation API";
            document.Info.Description = "Pre-publish checks against Policy and Rule 4226, roster administration and API keys. Authenticate with 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'.";
            return Task.CompletedTask;
        }));

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // The reference page runs on a district network, often offline: the bundle is served from the package
        // (its default), the CDN fonts are off, and the buttons that reach Scalar's cloud (the AI agent, MCP,
        // "Generate SDK" and "Deploy" in the developer toolbar, telemetry) are gone.
        app.MapScalarApiReference("/docs", options => options
                .WithTitle("Kusd.Moderation API")
                .DisableDefaultFonts()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .HideDeveloperTools())
            .AllowAnonymous();
        return app;
    }

    public static IServiceCollection AddApiHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<EngineHealthCheck>("models", tags: ["ready"]);
        return services;
    }

    public static WebApplication MapApiHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }

    private sealed class DatabaseHealthCheck(RosterDatabase roster) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                _ = roster.GetVersion();
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("The database cannot be reached.", ex));
            }
        }
    }

    // Building the engine loads every model; a server that cannot is not ready.
    private sealed class EngineHealthCheck(ModerationEngine engine) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(EngineWarmup.Completed
                ? HealthCheckResult.Healthy($"{engine.Rules.Count} checkers, {engine.Models.Count} models")
                : HealthCheckResult.Unhealthy("The engine is still warming up."));
    }
}

public static class StartupBanner
{
    /// <summary>Tells a newcomer where things are. No secrets: the first admin key is printed once, elsewhere.</summary>
    public static void Print(WebApplication app)
    {
        var address = app.Urls.FirstOrDefault() ?? "http://localhost:5000";
        var data = app.Configuration[DataLocation.DataDirectoryKey] ?? DataLocation.Default;
        Console.WriteLine($"Kusd.Moderation API listening on {string.Join(", ", app.Urls)}");
        Console.WriteLine(app.Environment.WebRootFileProvider.GetFileInfo("index.html").Exists
            ? $"  upload form:  {address}/"
            : $"  upload form:  missing (no index.html in {app.Environment.WebRootPath ?? "the web root"})");
        Console.WriteLine($"  API docs:     {address}/docs   (OpenAPI: {address}/openapi/v1.json)");
        Console.WriteLine($"  data folder:  {data}");
        Console.WriteLine($"  admin key:    {Path.Combine(data, Access.FirstStartAdminKey.FileName)} (written on first start)");
    }
}
