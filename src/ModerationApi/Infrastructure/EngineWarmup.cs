using Kusd.Moderation.Content;

namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>
/// Runs one check at start-up so that rule indexes, compiled patterns and models are built before
/// the first caller waits for them; /health/ready answers only after it.
/// </summary>
public sealed class EngineWarmup(ModerationEngine engine, EngineHost host, Storage.RosterDatabase roster, ILogger<EngineWarmup> logger) : IHostedService
{
    public static bool Completed { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await engine.CheckAsync(
            new CheckRequest { Fields = [new ContentField("body", "Warm-up: the spelling bee is at www.example.com on 3/4 at 6 pm.", ContentFormat.Markdown)] },
            cancellationToken);
        Completed = true;

        // Templates are kept per face model: after a model change, restricted students enrolled with the old
        // one are not protected until they are enrolled again. Counts only, never who.
        if (host.Faces is { } faces)
        {
            var now = roster.GetStatus(faces.EmbedderId);
            var any = roster.GetStatus();
            if (now.RestrictedWithoutTemplates.Count > any.RestrictedWithoutTemplates.Count)
            {
                logger.LogWarning(
                    "{Count} restricted people have face templates only for another face model and are not protected: enrol them again (GET /v1/roster/status lists them)",
                    now.RestrictedWithoutTemplates.Count - any.RestrictedWithoutTemplates.Count);
            }
        }

        logger.LogInformation("Engine warmed up in {ElapsedMs} ms", started.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
