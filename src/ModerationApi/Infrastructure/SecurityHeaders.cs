namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>
/// Headers that keep the upload form (and every answer) from being framed, sniffed or leaking its address.
/// The form keeps the API key in sessionStorage, which a strict Content-Security-Policy makes acceptable:
/// no script but the page's own files runs, so an injected script cannot read it. The API docs page
/// (Scalar) configures itself with an inline script, so /docs alone allows inline scripts.
/// </summary>
public static class SecurityHeaders
{
    public const string FormPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            var docs = context.Request.Path.StartsWithSegments("/docs") || context.Request.Path.StartsWithSegments("/scalar");
            headers.ContentSecurityPolicy = docs ? DocsPolicy : FormPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
        return app;
    }
}
