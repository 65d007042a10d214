using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Providers;

/// <summary>
/// Optional second opinion on <c>explicit/text</c> from Azure AI Content Safety (<c>text:analyze</c>).
/// Each field is rated as a whole (the service gives no spans): Sexual severity 4 or more is an error,
/// 2 or 3 a warning. Hate, Violence and SelfHarm are not asked for: Rule 4226 has no rule for them.
/// Any failure (HTTP error, timeout, unreadable answer) throws, so the engine reports
/// <c>check/unavailable</c> and the content is never approved because the service was down.
/// </summary>
public sealed class AzureContentSafetyRule : IContentRule, IModelBackedRule, IDisposable
{
    /// <summary>The service's limit on one request's text.</summary>
    public const int MaxChunkLength = 10_000;

    private const string Service = "Azure AI Content Safety";
    private const string KeyHeader = "Ocp-Apim-Subscription-Key";
    private const int ErrorSeverity = 4;
    private const int WarningSeverity = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _analyzeUri;
    private readonly string _apiKey;
    private readonly TimeSpan _timeout;

    public AzureContentSafetyRule(AzureContentSafetyOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            throw new ArgumentException($"{Service} needs both Endpoint and ApiKey.", nameof(options));
        }

        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint)
            || !(endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback)))
        {
            // The key travels in a header: plain HTTP only to this machine (tests, a local proxy).
            throw new ArgumentException($"{Service} Endpoint must be an absolute https URL.", nameof(options));
        }

        _analyzeUri = new Uri(endpoint, $"{endpoint.AbsolutePath.TrimEnd('/')}/contentsafety/text:analyze?api-version={Uri.EscapeDataString(options.ApiVersion)}");
        _apiKey = options.ApiKey!;
        _timeout = options.Timeout;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        Models = new Dictionary<string, string>(StringComparer.Ordinal) { ["azureContentSafety"] = "text:analyze " + options.ApiVersion };
    }

    public string Name => "azure-content-safety";

    public IReadOnlyDictionary<string, string> Models { get; }

    /// <summary>The rule when <paramref name="options"/> configure it, otherwise null (the check is off).</summary>
    public static AzureContentSafetyRule? CreateIfConfigured(AzureContentSafetyOptions? options, HttpClient? httpClient = null) =>
        options is { IsConfigured: true } ? new AzureContentSafetyRule(options, httpClient) : null;

    public async ValueTask AnalyzeAsync(CheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var field in context.Fields)
        {
            var text = string.Join('\n', field.Segments
                .Where(s => s.Kind is SegmentKind.Visible or SegmentKind.AltText && !string.IsNullOrWhiteSpace(s.Text))
                .Select(s => s.Text));
            var worst = 0;
            foreach (var chunk in Chunk(text))
            {
                worst = Math.Max(worst, await RateSexualAsync(chunk, cancellationToken).ConfigureAwait(false));
            }

            if (worst >= WarningSeverity)
            {
                findings.Add(new Finding
                {
                    RuleId = RuleIds.ExplicitText,
                    Severity = worst >= ErrorSeverity ? Severity.Error : Severity.Warning,
                    Message = $"{Service} rated this field Sexual severity {worst}.",
                    Policy = PolicyRefs.Explicit,
                    Target = FindingTarget.Text(field.Name),
                });
            }
        }
    }

    /// <summary>Splits text into pieces the service accepts, at whitespace where possible, never inside a surrogate pair.</summary>
    public static IEnumerable<string> Chunk(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(start + MaxChunkLength, text.Length);
            if (end < text.Length)
            {
                var space = text.LastIndexOfAny([' ', '\n', '\t'], end - 1, MaxChunkLength / 10);
                end = space > start ? space + 1 : end;
                if (char.IsHighSurrogate(text[end - 1]))
                {
                    end--;
                }
            }

            if (!text.AsSpan(start, end - start).IsWhiteSpace())
            {
                yield return text[start..end];
            }

            start = end;
        }
    }

    private async Task<int> RateSexualAsync(string text, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _analyzeUri)
        {
            Content = JsonContent.Create(new AnalyzeRequest(text, ["Sexual"], "FourSeverityLevels"), options: Json),
        };
        request.Headers.Add(KeyHeader, _apiKey);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var code = response.Headers.TryGetValues("x-ms-error-code", out var codes) ? " " + string.Join(',', codes) : "";
                throw new HttpRequestException($"{Service} answered HTTP {(int)response.StatusCode}{code}.", null, response.StatusCode);
            }

            AnalyzeResponse? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<AnalyzeResponse>(Json, timeout.Token).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Service} sent an answer that is not the documented JSON.", ex);
            }

            var sexual = answer?.CategoriesAnalysis?.FirstOrDefault(c => string.Equals(c.Category, "Sexual", StringComparison.OrdinalIgnoreCase));
            return sexual?.Severity is { } severity and >= 0 and <= 7
                ? severity
                : throw new InvalidDataException($"{Service} sent no Sexual severity.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Service} did not answer within {_timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            // Connection failures: keep the type, drop the inner details (they can name the host only, but stay terse).
            throw new HttpRequestException($"{Service} could not be reached ({ex.HttpRequestError}).", null, (HttpStatusCode?)null);
        }
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private sealed record AnalyzeRequest(string Text, string[] Categories, string OutputType);

    private sealed record AnalyzeResponse(List<CategoryAnalysis>? CategoriesAnalysis);

    private sealed record CategoryAnalysis(string? Category, int? Severity);
}
