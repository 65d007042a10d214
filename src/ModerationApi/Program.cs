using Kusd.Moderation.Api;
using Kusd.Moderation.Api.Access;
using Kusd.Moderation.Api.Catalog;
using Kusd.Moderation.Api.Checks;
using Kusd.Moderation.Api.Infrastructure;
using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Api.Roster;

// `keys create|revoke|list` manage API keys against the configured database, then exit.
if (args.Length > 0 && args[0] == "keys")
{
    return await KeysCommand.RunAsync(args, Console.Out, Console.Error);
}

WebApplication app;
try
{
    app = ModerationApp.Create(args);
}
catch (DataLocationException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

await app.RunAsync();
return 0;

namespace Kusd.Moderation.Api
{
    /// <summary>The host, built the same way by the program and by the tests (which bind a loopback port).</summary>
    public static class ModerationApp
    {
        public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
        {
            var builder = WebApplication.CreateBuilder(DataLocation.HostOptions(args));

            // "Request starting" lines carry the query string, where a careless client may put a key:
            // never at Information, whatever the configuration says.
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
            configure?.Invoke(builder);
            DataLocation.Prepare(builder.Configuration);

            builder.AddLimits();
            builder.Services.AddApiProblemDetails();
            builder.Services.AddPersistence();
            builder.AddModerationEngine();
            builder.Services.AddApiKeys();
            builder.Services.AddApiRateLimits();
            builder.Services.AddApiDocumentation();
            builder.Services.AddApiHealthChecks();
            builder.AddTelemetry();

            var app = builder.Build();

            app.UseApiProblemDetails();
            app.UseSecurityHeaders();
            app.UseRequestSizeProblems();
            app.UseDefaultFiles();
            app.UseStaticFiles();
            app.UseAuthentication();
            app.UseAuthorization();

            app.MapApiDocumentation();
            app.MapApiHealthChecks();
            app.MapTelemetry();
            app.MapCatalog();
            app.MapChecks();
            app.MapOverrides();
            app.MapRoster();
            app.MapKeys();

            app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
            return app;
        }
    }
}
