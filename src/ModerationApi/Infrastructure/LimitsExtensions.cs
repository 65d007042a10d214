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
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes;

            // Kestrel answers an over-long request line or header block with an empty 414/431; its own limits
            // are set a step above ours so that RequestSizeProblems answers first, with problem details.
            kestrel.Limits.MaxRequestLineSize = RequestSizeProblems.MaxRequestLineBytes * 4;
            kestrel.Limits.MaxRequestHeadersTotalSize = RequestSizeProblems.MaxHeaderBytes * 2;
        });
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

/// <summary>414 and 431 as problem details, for request lines and header blocks a step below Kestrel's own limits.</summary>
public static class RequestSizeProblems
{
    public const int MaxRequestLineBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;

    public static WebApplication UseRequestSizeProblems(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var line = request.Method.Length + request.PathBase.Value!.Length + request.Path.Value!.Length + request.QueryString.Value!.Length + 16;
            var headers = request.Headers.Sum(h => h.Key.Length + 4 + h.Value.Sum(v => v?.Length ?? 0));
            var (status, title) = line > MaxRequestLineBytes ? (StatusCodes.Status414UriTooLong, "Request line too long")
                : headers > MaxHeaderBytes ? (StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large")
                : (0, null);
            if (title is null)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = status;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Title = title, Detail = $"This server takes request lines up to {MaxRequestLineBytes:N0} bytes and headers up to {MaxHeaderBytes:N0} bytes." },
            });
        });
        return app;
    }
}
