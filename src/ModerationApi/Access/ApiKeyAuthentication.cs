using System.Security.Claims;
using System.Text.Encodings.Web;
using Kusd.Moderation.Api.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Access;

/// <summary>Reads a key from <c>Authorization: Bearer</c> or <c>X-Api-Key</c>; its scopes become claims.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    FailedAuthLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "scope";

    /// <summary>A school the key is bound to (none: the whole district).</summary>
    public const string SchoolClaim = "school";
    private const string BlockedItem = "kusd.auth.retryAfter";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers["X-Api-Key"].FirstOrDefault();
        var authorization = Request.Headers.Authorization.FirstOrDefault();
        if (presented is null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (failures.RetryAfterSeconds(address) is { } retryAfter)
        {
            Context.Items[BlockedItem] = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many wrong keys from this address."));
        }

        var key = keys.Verify(presented);
        if (key is null)
        {
            failures.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid or has been revoked."));
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, key.Id), new(ClaimTypes.Name, key.Name) };
        claims.AddRange(key.Scopes.Select(s => new Claim(ScopeClaim, s)));
        claims.AddRange(key.Schools.Select(s => new Claim(SchoolClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[BlockedItem] is int retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many wrong keys", "This address sent too many wrong API keys; wait for the Retry-After seconds.");
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required", "Send an API key as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Scope missing", "This API key does not have the scope this endpoint needs.");
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
}

public static class AccessExtensions
{
    /// <summary>Any valid key: check records are read by the key that made them and by roster administrators.</summary>
    public const string AnyScope = "any";

    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FailedAuthLimiter>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Scopes.Check, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Check, Scopes.Admin))
            .AddPolicy(Scopes.Roster, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Roster, Scopes.Admin))
            .AddPolicy(Scopes.Admin, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Admin))
            .AddPolicy(AnyScope, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.All));
        services.AddHostedService<FirstStartAdminKey>();
        return services;
    }

    public static string KeyId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";

    /// <summary>The schools the caller's key is bound to; empty when it may check for the whole district.</summary>
    public static IReadOnlyList<string> BoundSchools(this ClaimsPrincipal user) =>
        [.. user.FindAll(ApiKeyAuthenticationHandler.SchoolClaim).Select(c => c.Value)];

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope) || user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Admin);
}

/// <summary>On first start with no keys, creates an admin key and shows it once: on the console and in a file only its owner can read.</summary>
public sealed class FirstStartAdminKey(ApiKeyStore keys, IOptions<PersistenceOptions> persistence) : IHostedService
{
    public const string FileName = "admin-key.txt";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.Any())
        {
            return Task.CompletedTask;
        }

        var (_, key) = keys.Create("first admin", [Scopes.Admin]);
        var path = Path.GetFullPath(Path.Combine(persistence.Value.DataDirectory, FileName));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options)))
        {
            writer.WriteLine(key);
        }

        // Shown once, on a terminal only and never in the structured logs: a captured stdout (a service
        // manager, a container log) would keep the key, so there only the file's place is printed.
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine($"Created the first admin API key; it is in {path} (readable only by this user).");
        }
        else
        {
            Console.WriteLine($"Created the first admin API key (shown once; also saved to {path}):");
            Console.WriteLine($"  {key}");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
