using System.Diagnostics.Metrics;
using Kusd.Moderation.Storage;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>
/// OpenTelemetry: request rates and latencies (ASP.NET Core), the engine's decisions, findings per rule and
/// time per checker, the image queue and the roster's size, scraped at <c>/metrics</c>; spans per request,
/// check and checker, sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. No attribute holds content.
/// </summary>
public static class TelemetryExtensions
{
    public const string MeterName = "Kusd.Moderation.Api";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServiceGauges>();
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(ModerationTelemetry.Name, MeterName)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        otel.WithTracing(tracing =>
        {
            tracing.AddSource(ModerationTelemetry.Name).AddAspNetCoreInstrumentation(o =>
            {
                // The query string may hold what a client should not have sent (a key): never recorded.
                o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
            });
            if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                tracing.AddOtlpExporter();
            }
        });
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, without a key: it carries counts and timings, no content.</summary>
    public static WebApplication MapTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<ServiceGauges>();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }

    /// <summary>Gauges read when scraped: image checks in flight and the roster's size.</summary>
    public sealed class ServiceGauges : IDisposable
    {
        private readonly Meter _meter = new(MeterName);

        public ServiceGauges(InferenceQueue queue, RosterDatabase roster)
        {
            _meter.CreateObservableGauge("kusd.image_checks.in_flight", () => queue.InFlight, "{check}", "Image checks running or waiting for a turn.");
            _meter.CreateObservableGauge("kusd.roster.people", () => roster.Current.Roster.People.Count, "{person}", "People on the roster.");
            _meter.CreateObservableGauge("kusd.roster.restricted", () => roster.Current.Roster.People.Count(p => p.MediaRestriction), "{person}", "Students with a media restriction.");
        }

        public void Dispose() => _meter.Dispose();
    }
}
