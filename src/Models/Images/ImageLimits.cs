using System.ComponentModel.DataAnnotations;

namespace Kusd.Moderation.Models.Images;

/// <summary>Limits applied to every untrusted image before and while it is decoded.</summary>
public sealed class ImageLimits
{
    /// <summary>
    /// Largest encoded image accepted: the one limit of image bytes for the API, the form, the CMS plugin
    /// and the CLI (phones write 12 MP JPEGs of 3-8 MB and 48 MP ones of 10-20 MB).
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Largest declared width x height accepted; checked on the header, before decoding.</summary>
    [Range(1, long.MaxValue)]
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>Largest declared width or height accepted.</summary>
    [Range(1, int.MaxValue)]
    public int MaxDimension { get; set; } = 20_000;

    /// <summary>
    /// Most frames of a GIF or pages of a TIFF accepted; every frame is decoded and checked, so a restricted
    /// face in frame 2 is found. Their pixels together stay within <see cref="MaxPixels"/>. More frames are
    /// refused (422): a check is never approved with frames unseen.
    /// </summary>
    [Range(1, 1000)]
    public int MaxFramesRead { get; set; } = 50;

    /// <summary>
    /// Largest single buffer the decoder may allocate. Null derives it from <see cref="MaxPixels"/>
    /// (4 bytes a pixel plus slack), so a lying header cannot make the decoder allocate more.
    /// </summary>
    [Range(1, 4096)]
    public int? AllocationLimitMegabytes { get; set; }

    internal int EffectiveAllocationLimitMegabytes =>
        AllocationLimitMegabytes ?? (int)Math.Min(4096, (MaxPixels * 4 / (1024 * 1024)) + 16);
}
