using Kusd.Moderation.Content;

namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>
/// Runs one check at start-up so that rule indexes, compiled patterns and models are built before
/// the first caller waits for them; /health/ready answers only after it.
/// </summary>
public sealed class EngineWarmup(ModerationEngine engine, ILogger<EngineWarmup> logger) : IHostedService
{
    public static bool Completed { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await engine.CheckAsync(
            new CheckRequest { Fields = [new ContentField("body", "Warm-up: the spelling bee is at www.example.com on 3/4 at 6 pm.", ContentFormat.Markdown)] },
            cancellationToken);
        Completed = true;
        logger.LogInformation("Engine warmed up in {ElapsedMs} ms", started.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
