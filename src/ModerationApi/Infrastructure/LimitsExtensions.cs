using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Infrastructure;

public static class LimitsExtensions
{
    /// <summary>Settings that moved to the engine's one set of limits; an old name must not be ignored in silence.</summary>
    private static readonly (string Old, string New)[] Moved =
    [
        ("Limits:MaxImageBytes", "Moderation:Images:Limits:MaxBytes"),
        ("Limits:MaxFieldLength", "Moderation:MaxFieldLength"),
    ];

    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        foreach (var (old, now) in Moved)
        {
            if (builder.Configuration[old] is not null)
            {
                throw new InvalidOperationException($"The setting {old} is now {now} (one limit for the API, the CLI and the form); rename it.");
            }
        }

        builder.Services.AddOptions<ApiLimitsOptions>()
            .BindConfiguration(ApiLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var limits = builder.Configuration.GetSection(ApiLimitsOptions.SectionName).Get<ApiLimitsOptions>() ?? new ApiLimitsOptions();
        var maxFieldLength = builder.Configuration.GetSection(ModerationOptions.SectionName).Get<ModerationOptions>()?.MaxFieldLength ?? new ModerationOptions().MaxFieldLength;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = limits.MaxRequestBytes;
            form.ValueLengthLimit = maxFieldLength * 4;
            form.ValueCountLimit = limits.MaxFields + limits.MaxImages + 8;
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.MaxDepth = limits.MaxJsonDepth;
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddSingleton<InferenceQueue>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }
}

/// <summary>
/// Admission of image checks, not a model gate (the engine has the one inference gate): at most
/// <see cref="ApiLimitsOptions.MaxConcurrentImageChecks"/> run, which bounds the decoded pixels in memory,
/// and at most <see cref="ApiLimitsOptions.MaxQueuedImageChecks"/> wait; beyond that the API answers 503
/// with Retry-After instead of queueing without limit and running out of memory.
/// </summary>
public sealed class InferenceQueue : IDisposable
{
    private readonly SemaphoreSlim _running;
    private readonly int _maxWaiting;
    private readonly int _maxRunning;
    private int _waiting;

    public InferenceQueue(IOptions<ApiLimitsOptions> options)
    {
        var limits = options.Value;
        _running = new SemaphoreSlim(limits.MaxConcurrentImageChecks, limits.MaxConcurrentImageChecks);
        _maxWaiting = limits.MaxQueuedImageChecks;
        _maxRunning = limits.MaxConcurrentImageChecks;
    }

    /// <summary>Image checks running or waiting, for the operator's dashboard.</summary>
    public int InFlight => Volatile.Read(ref _waiting) + (_maxRunning - _running.CurrentCount);

    /// <summary>A lease to run, or null when the queue is full.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _waiting) > _maxWaiting + _running.CurrentCount)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }

        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new Lease(_running);
    }

    public void Dispose() => _running.Dispose();

    private sealed class Lease(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
