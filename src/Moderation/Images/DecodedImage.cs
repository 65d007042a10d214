using Kusd.Moderation.Content;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Metadata;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kusd.Moderation.Images;

/// <summary>
/// One submitted image after the boundary: its header accepted, decoded once within the limits, upright
/// per EXIF orientation, with its metadata read from the same decode. Every image checker reads these
/// pixels; none decodes the bytes again. The engine owns and disposes it once the image is checked.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    public DecodedImage(ContentImage source, ImageHeader header, Image<Rgb24> pixels)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Header = header ?? throw new ArgumentNullException(nameof(header));
        Pixels = pixels ?? throw new ArgumentNullException(nameof(pixels));
        Metadata = ImageMetadataReader.Read(pixels.Metadata);
    }

    public ContentImage Source { get; }

    /// <summary>The format and size the file declared (<c>JPEG</c>, <c>PNG</c>, …).</summary>
    public ImageHeader Header { get; }

    public Image<Rgb24> Pixels { get; }

    public ImageMetadataReport Metadata { get; }

    public int Width => Pixels.Width;

    public int Height => Pixels.Height;

    /// <summary>Where findings about this image point.</summary>
    public FindingTarget Target => FindingTarget.Image(Source.Field, Source.Name);

    /// <summary>The whole picture, for findings about all of it.</summary>
    public ImageRegion WholeImage => new(0, 0, Width, Height);

    public void Dispose() => Pixels.Dispose();
}
