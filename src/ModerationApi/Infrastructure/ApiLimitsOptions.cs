using System.ComponentModel.DataAnnotations;

namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>What one request may carry. Every limit answers with problem details naming the limit.</summary>
public sealed class ApiLimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Whole request body (JSON or multipart). Kestrel answers 413 beyond it.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBytes { get; set; } = 60 * 1024 * 1024;

    [Range(1, 1000)]
    public int MaxFields { get; set; } = 20;

    /// <summary>Characters (UTF-16 code units) in one text field.</summary>
    [Range(1, 10_000_000)]
    public int MaxFieldLength { get; set; } = 1_000_000;

    [Range(0, 100)]
    public int MaxImages { get; set; } = 10;

    /// <summary>Bytes of one encoded image.</summary>
    [Range(1024, 1L << 30)]
    public long MaxImageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Nesting depth of a JSON request body.</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>Image checks that may wait for the models before new ones are turned away with 503.</summary>
    [Range(0, 10_000)]
    public int MaxQueuedImageChecks { get; set; } = 16;

    /// <summary>Image checks that run the models at once (default: one per core).</summary>
    [Range(1, 256)]
    public int MaxConcurrentImageChecks { get; set; } = Environment.ProcessorCount;
}
