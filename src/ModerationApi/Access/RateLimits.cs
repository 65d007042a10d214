using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Access;

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Requests one key may make per window.</summary>
    [Range(1, 10_000_000)]
    public int PermitLimit { get; set; } = 600;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Per-key fixed windows. ASP.NET Core's limiter sends no headers, so this one answers with
/// <c>Retry-After</c> and the IETF <c>RateLimit-Policy</c>/<c>RateLimit</c> fields on every response.
/// </summary>
public sealed class KeyRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private const string Policy = "default";
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public (bool Allowed, int Remaining, int ResetSeconds) Acquire(string keyId)
    {
        var limit = options.Value.PermitLimit;
        var length = TimeSpan.FromSeconds(options.Value.WindowSeconds);
        var now = time.GetUtcNow();
        var window = _windows.GetOrAdd(keyId, _ => new Window(now));
        lock (window)
        {
            if (now - window.Start >= length)
            {
                window.Start = now;
                window.Used = 0;
            }

            var reset = (int)Math.Ceiling((window.Start + length - now).TotalSeconds);
            if (window.Used >= limit)
            {
                return (false, 0, Math.Max(1, reset));
            }

            window.Used++;
            return (true, limit - window.Used, Math.Max(1, reset));
        }
    }

    public void WriteHeaders(HttpResponse response, int remaining, int reset)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"{Policy}\";q={options.Value.PermitLimit};w={options.Value.WindowSeconds}");
        response.Headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"{Policy}\";r={remaining};t={reset}");
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Used { get; set; }
    }
}

/// <summary>Applies the per-key limit to an endpoint group (after authentication).</summary>
public sealed class RateLimitFilter(KeyRateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var (allowed, remaining, reset) = limiter.Acquire(http.User.KeyId());
        limiter.WriteHeaders(http.Response, remaining, reset);
        if (!allowed)
        {
            http.Response.Headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests",
                detail: $"This API key has used its requests for now; try again in {reset} s.");
        }

        return await next(context);
    }
}

public static class RateLimitExtensions
{
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyRateLimiter>();
        return services;
    }

    public static RouteGroupBuilder WithKeyRateLimit(this RouteGroupBuilder group) => group.AddEndpointFilter<RateLimitFilter>();
}
