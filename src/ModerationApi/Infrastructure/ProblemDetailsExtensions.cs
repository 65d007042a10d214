using System.Text.Json;
using Kusd.Moderation.Models.Images;
using Microsoft.AspNetCore.Diagnostics;

namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>Every error is RFC 9457 problem details; a verdict, even "rejected", is a 200.</summary>
public static class ProblemDetailsExtensions
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);

    public static WebApplication UseApiProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
            // A client's bad input is not a server failure: no error log with a stack trace for it.
            SuppressDiagnosticsCallback = context => StatusFor(context.Exception) < StatusCodes.Status500InternalServerError,
            ExceptionHandler = async context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var (status, title, detail) = Describe(exception);
                if (status < StatusCodes.Status500InternalServerError)
                {
                    // A client's mistake: one line, no stack trace, no source paths.
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Kusd.Moderation.Requests")
                        .LogInformation("Rejected {Method} {Path}: {Status} {Title}", context.Request.Method, context.Request.Path, status, title);
                }

                context.Response.StatusCode = status;
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = status, Title = title, Detail = detail },
                });
            },
        });
        app.UseStatusCodePages();
        return app;
    }

    public static int StatusFor(Exception exception) => Describe(exception).Status;

    private static bool IsAborted(Exception ex) => ex is Microsoft.AspNetCore.Connections.ConnectionResetException;

    // Messages never repeat submitted content: they name the limit or the part that is wrong.
    private static (int Status, string Title, string Detail) Describe(Exception? exception) => exception switch
    {
        ImageRejectedException { Reason: ImageRejection.UnknownFormat } e => (StatusCodes.Status415UnsupportedMediaType, "Unsupported image type", e.Message),
        ImageRejectedException e => (StatusCodes.Status422UnprocessableEntity, "The image cannot be used", e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request too large", "The request body is larger than this server accepts."),
        BadHttpRequestException e when e.InnerException is JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON for this endpoint, or it is nested too deeply."),
        BadHttpRequestException e => (e.StatusCode, "Bad request", "The request could not be read: check its content type and body."),
        JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON for this endpoint, or it is nested too deeply."),
        InvalidDataException => (StatusCodes.Status400BadRequest, "Malformed form", "The multipart form could not be read."),
        IOException when !IsAborted(exception) => (StatusCodes.Status400BadRequest, "Malformed body", "The request body ended early or could not be read (an unterminated multipart body, say)."),
        OperationCanceledException => (StatusCodes.Status503ServiceUnavailable, "Cancelled", "The request was cancelled before it finished."),
        _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server failed; the error is logged with the trace id."),
    };
}
