using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kusd.Moderation.Content;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>A file the server could not check; the message names the status, never content.</summary>
internal sealed class RemoteCheckException(string message) : Exception(message);

/// <summary>
/// <c>--server URL</c>: sends each file to the district's API (<c>POST /v1/checks</c>) so the roster and
/// face templates never reach the CI runner. The key comes from <see cref="KeyVariable"/>.
/// </summary>
internal sealed class RemoteChecker : IDisposable
{
    public const string KeyVariable = "KUSD_API_KEY";

    private readonly HttpClient _http;

    public RemoteChecker(Uri server, string apiKey)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public async Task<Verdict> CheckAsync(CheckRequest request, CancellationToken cancellationToken)
    {
        var body = CheckRequestDto.From(request);

        // Busy servers answer 429/503 with Retry-After; CI should wait a little, not fail the job.
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage sent;
            try
            {
                sent = await _http.PostAsJsonAsync(new Uri("v1/checks", UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new RemoteCheckException($"cannot reach the server ({ex.HttpRequestError})");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RemoteCheckException("the server did not answer in time");
            }

            using var response = sent;
            if (response.IsSuccessStatusCode)
            {
                var verdict = await response.Content.ReadFromJsonAsync<RemoteVerdict>(ModerationJson.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new RemoteCheckException("the server sent an empty verdict.");
                return new Verdict
                {
                    Id = verdict.Id ?? string.Empty,
                    Decision = verdict.Decision,
                    Findings = verdict.Findings ?? [],
                    Sanitized = new SanitizedContent(verdict.Sanitized?.Fields ?? new Dictionary<string, string>(), verdict.Sanitized?.Images ?? []),
                    Timings = new Dictionary<string, double>(),
                    Models = new Dictionary<string, string>(),
                };
            }

            var status = (int)response.StatusCode;
            if ((status is 429 or 503) && attempt < 5)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(attempt);
                await Task.Delay(wait < TimeSpan.FromSeconds(10) ? wait : TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw new RemoteCheckException($"the server answered {status} {response.ReasonPhrase}{await ProblemTitleAsync(response, cancellationToken).ConfigureAwait(false)}.");
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> ProblemTitleAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return problem.RootElement.TryGetProperty("title", out var title) ? $" ({title.GetString()})" : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private sealed record RemoteVerdict(string? Id, Decision Decision, IReadOnlyList<Finding>? Findings, RemoteSanitized? Sanitized);

    private sealed record RemoteSanitized(Dictionary<string, string>? Fields, IReadOnlyList<SanitizedImage>? Images);
}
