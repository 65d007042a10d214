using System.ComponentModel.DataAnnotations;

namespace Kusd.Moderation.Providers;

/// <summary>
/// Settings of the optional Azure AI Content Safety check. It is off unless both <see cref="Endpoint"/>
/// and <see cref="ApiKey"/> are set; the key is sent only in a request header and never logged.
/// </summary>
public sealed class AzureContentSafetyOptions
{
    public const string SectionName = "AzureContentSafety";

    /// <summary>The resource endpoint, e.g. <c>https://my-resource.cognitiveservices.azure.com</c>.</summary>
    [Url]
    public string? Endpoint { get; init; }

    public string? ApiKey { get; init; }

    [Required]
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}(-preview)?$")]
    public string ApiVersion { get; init; } = "2024-09-01";

    /// <summary>Per request; a slower answer fails the check closed (check/unavailable).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(ApiKey);
}
