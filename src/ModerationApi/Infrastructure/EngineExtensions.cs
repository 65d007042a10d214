using Kusd.Moderation.Api.Checks;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Storage;

namespace Kusd.Moderation.Api.Infrastructure;

public static class EngineExtensions
{
    /// <summary>
    /// The engine the CLI runs too, built by <see cref="ModerationEngineBuilder"/> from the same options
    /// tree (<see cref="ModerationSettings"/>: appsettings.json, environment, command line), over the
    /// roster database. Bad settings stop the start-up; the models load once and fail fast when a file
    /// is missing or wrong.
    /// </summary>
    public static WebApplicationBuilder AddModerationEngine(this WebApplicationBuilder builder)
    {
        var settings = ModerationSettings.FromConfiguration(builder.Configuration).EnsureValid();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(settings.Moderation);
        services.AddSingleton(sp => Catalog.RequestLimits.Of(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiLimitsOptions>>().Value, settings));
        services.AddSingleton(sp =>
        {
            var roster = sp.GetRequiredService<RosterDatabase>();
            return ModerationEngineBuilder.Build(settings, roster, roster);
        });
        services.AddSingleton(sp => sp.GetRequiredService<EngineHost>().Engine);
        services.AddSingleton(sp => new FaceEnrollment(sp.GetRequiredService<EngineHost>().Faces!, sp.GetRequiredService<RosterDatabase>()));
        services.AddSingleton<IdempotencyCache>();
        services.AddSingleton<CheckService>();
        services.AddHostedService<EngineWarmup>();
        return builder;
    }
}
