using System.ComponentModel.DataAnnotations;

namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>
/// What one HTTP request may carry. The limits of content itself (characters in a field, bytes and pixels
/// of an image) are the engine's (<see cref="ModerationOptions.MaxFieldLength"/>, <c>Moderation:Images:Limits</c>),
/// so the API, the CLI and the form cannot disagree; all of them are published at <c>GET /v1/limits</c>.
/// Every limit answers with problem details naming the limit.
/// </summary>
public sealed class ApiLimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Whole request body (JSON or multipart). Kestrel answers 413 beyond it.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBytes { get; set; } = 60 * 1024 * 1024;

    [Range(1, 1000)]
    public int MaxFields { get; set; } = 20;

    [Range(0, 100)]
    public int MaxImages { get; set; } = 10;

    /// <summary>Nesting depth of a JSON request body.</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>Image checks that may wait for a turn before new ones are turned away with 503.</summary>
    [Range(0, 10_000)]
    public int MaxQueuedImageChecks { get; set; } = 16;

    /// <summary>
    /// Image checks that run at once (default: one per core). Each holds one decoded image at a time, so
    /// this also bounds the decoded pixels in memory: this many times the engine's pixel limit, 3 bytes a pixel.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrentImageChecks { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Memory for answers kept for <c>Idempotency-Key</c> replays (least recently used go first). 32 MB
    /// holds about 30,000 typical answers of a few findings; an answer over an eighth of it is not kept.
    /// </summary>
    [Range(64 * 1024, 4L << 30)]
    public long IdempotencyCacheBytes { get; set; } = 32L * 1024 * 1024;
}
