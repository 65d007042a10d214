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

var app = ModerationApp.Create(args);
await app.RunAsync();
return 0;

namespace Kusd.Moderation.Api
{
    /// <summary>The host, built the same way by the program and by the tests (which bind a loopback port).</summary>
    public static class ModerationApp
    {
        public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
        {
            var builder = WebApplication.CreateBuilder(args);
            configure?.Invoke(builder);

            builder.AddLimits();
            builder.Services.AddApiProblemDetails();
            builder.Services.AddPersistence();
            builder.AddModerationEngine();
            builder.Services.AddApiKeys();
            builder.Services.AddApiRateLimits();
            builder.Services.AddApiDocumentation();
            builder.Services.AddApiHealthChecks();

            var app = builder.Build();

            app.UseApiProblemDetails();
            app.UseDefaultFiles();
            app.UseStaticFiles();
            app.UseAuthentication();
            app.UseAuthorization();

            app.MapApiDocumentation();
            app.MapApiHealthChecks();
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
