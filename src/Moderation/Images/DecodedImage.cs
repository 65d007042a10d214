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
    /// <param name="frame">Which frame of an animated GIF or multi-page TIFF these pixels are (0-based).</param>
    public DecodedImage(ContentImage source, ImageHeader header, Image<Rgb24> pixels, int frame = 0, ImageMetadataReport? metadata = null)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Header = header ?? throw new ArgumentNullException(nameof(header));
        Pixels = pixels ?? throw new ArgumentNullException(nameof(pixels));
        Frame = frame;
        Metadata = metadata ?? ImageMetadataReader.Read(pixels.Metadata);
    }

    public ContentImage Source { get; }

    /// <summary>The format and size the file declared (<c>JPEG</c>, <c>PNG</c>, …).</summary>
    public ImageHeader Header { get; }

    public Image<Rgb24> Pixels { get; }

    /// <summary>The frame these pixels are, of <see cref="ImageHeader.Frames"/>; 0 for a still image.</summary>
    public int Frame { get; }

    /// <summary>How findings name this frame: empty for a still image, " (frame 2 of 3)" otherwise.</summary>
    public string FrameLabel => Header.Frames > 1 ? $" (frame {Frame + 1} of {Header.Frames})" : string.Empty;

    /// <summary>Splits a multi-frame image into one image per frame (the caller disposes them); a still image is itself.</summary>
    public IReadOnlyList<DecodedImage> SplitFrames()
    {
        if (Pixels.Frames.Count <= 1)
        {
            return [this];
        }

        var frames = new List<DecodedImage>(Pixels.Frames.Count);
        for (var i = 0; i < Pixels.Frames.Count; i++)
        {
            frames.Add(new DecodedImage(Source, Header, Pixels.Frames.CloneFrame(i), i, Metadata));
        }

        return frames;
    }

    public ImageMetadataReport Metadata { get; }

    public int Width => Pixels.Width;

    public int Height => Pixels.Height;

    /// <summary>Where findings about this image point.</summary>
    public FindingTarget Target => FindingTarget.Image(Source.Field, Source.Name);

    /// <summary>The whole picture, for findings about all of it.</summary>
    public ImageRegion WholeImage => new(0, 0, Width, Height);

    public void Dispose() => Pixels.Dispose();
}
