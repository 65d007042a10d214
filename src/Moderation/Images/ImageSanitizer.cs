using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Images;

/// <summary>
/// Blurs every restricted face (and, by option, every unverified one) irreversibly and returns the
/// image with no metadata at all: the pixels are copied into a new image, so no EXIF, IPTC, XMP, ICC
/// or text chunk of the upload can survive, then encoded as PNG (PNG uploads) or JPEG.
/// </summary>
public sealed class ImageSanitizer
{
    private readonly ImageRuleOptions _options;

    public ImageSanitizer(ImageRuleOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    public bool Removes(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.Target.Kind == FindingTarget.ImageKind
            && finding.Region is not null
            && (finding.RuleId == RuleIds.MediaRestrictionFace
                || (_options.BlurUnverifiedFaces && finding.RuleId == RuleIds.FaceUnverified));
    }


    /// <summary>The mask of a face box: scaled about its centre and clipped to the image.</summary>
    public static Rectangle MaskOf(ImageRegion region, double scale, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(region);
        var cx = region.X + (region.Width / 2.0);
        var cy = region.Y + (region.Height / 2.0);
        var x0 = Math.Clamp((int)Math.Floor(cx - (region.Width * scale / 2)), 0, width);
        var y0 = Math.Clamp((int)Math.Floor(cy - (region.Height * scale / 2)), 0, height);
        var x1 = Math.Clamp((int)Math.Ceiling(cx + (region.Width * scale / 2)), 0, width);
        var y1 = Math.Clamp((int)Math.Ceiling(cy + (region.Height * scale / 2)), 0, height);
        return new Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>
    /// Masks the regions in the decoded pixels (in place: the engine calls this last, when every checker
    /// of the image is done) and encodes a copy that carries no metadata.
    /// </summary>
    public SanitizedImage Sanitize(DecodedImage image, IReadOnlyList<Finding> regionsToMask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(regionsToMask);
        var format = image.Header.Format;
        var pixels = image.Pixels;
        foreach (var finding in regionsToMask)
        {
            if (finding.Region is null || !Removes(finding))
            {
                continue;
            }

            var mask = MaskOf(finding.Region, _options.FaceMaskScale, pixels.Width, pixels.Height);
            if (mask.Width < 2 || mask.Height < 2)
            {
                continue;
            }

            // Pixelating to about 6 blocks across (each block one average) leaves nothing a recogniser
            // or a deblurring model can use; the blur on top only hides the block edges, so its sigma is
            // capped (the kernel grows with sigma: uncapped, a 12 MP photo's face took seconds).
            var side = Math.Min(mask.Width, mask.Height);
            var block = Math.Max(2, side / 6);
            var sigma = Math.Clamp(block / 3f, 1.5f, 12f);
            pixels.Mutate(x => x.Pixelate(block, mask).GaussianBlur(sigma, mask));
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var clean = new Image<Rgb24>(pixels.Width, pixels.Height);
        clean.Mutate(x => x.DrawImage(pixels, 1f));
        using var output = new MemoryStream();
        var isPng = string.Equals(format, "PNG", StringComparison.OrdinalIgnoreCase);
        if (isPng)
        {
            clean.SaveAsPng(output, new PngEncoder());
        }
        else
        {
            clean.SaveAsJpeg(output, new JpegEncoder { Quality = Math.Clamp(_options.JpegQuality, 1, 100) });
        }

        return new SanitizedImage(SanitizedName(image.Source.Name, isPng), isPng ? "image/png" : "image/jpeg", output.ToArray());
    }

    private static string? SanitizedName(string? name, bool isPng)
    {
        if (name is null)
        {
            return null;
        }

        // A HEIC or TIFF upload comes back as JPEG; its name must say so.
        var extension = Path.GetExtension(name);
        var wanted = isPng ? ".png" : ".jpg";
        return extension.Equals(wanted, StringComparison.OrdinalIgnoreCase) || (!isPng && extension.Equals(".jpeg", StringComparison.OrdinalIgnoreCase))
            ? name
            : Path.ChangeExtension(name, wanted);
    }
}
