using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Models.Images;

/// <summary>What the header of an image declares, read without decoding pixels.</summary>
/// <param name="Frames">Frames (GIF images, TIFF pages) the file holds; every one is decoded and checked.</param>
public sealed record ImageHeader(string Format, int Width, int Height, int Frames = 1);

/// <summary>
/// Reads untrusted image bytes at the boundary: identifies the format from the header, refuses
/// oversized declarations before decoding, decodes one frame with a bounded allocator and applies
/// EXIF orientation. Every failure is an <see cref="ImageRejectedException"/>. Thread-safe.
/// </summary>
public sealed class ImageIntake
{
    private readonly ImageLimits _limits;
    private readonly Configuration _configuration;
    private long _decodes;

    public ImageIntake(ImageLimits? limits = null)
    {
        _limits = limits ?? new ImageLimits();
        // TGA and PBM are left out on purpose: their headers carry no reliable signature, so
        // arbitrary bytes could be taken for them.
        _configuration = new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new GifConfigurationModule(),
            new BmpConfigurationModule(),
            new WebpConfigurationModule(),
            new TiffConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = _limits.EffectiveAllocationLimitMegabytes,
            }),
            // Uploads are decoded concurrently already; one core per decode keeps latency predictable.
            MaxDegreeOfParallelism = 1,
        };
        // Every frame of a GIF or page of a TIFF is shown by some viewer, so every one is decoded (the
        // header inspection has bounded how many, and their pixels in all).
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.All });
        _configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.All });
    }

    public ImageLimits Limits => _limits;

    /// <summary>Images decoded so far by this intake: the engine decodes each submitted image once, and tests count it.</summary>
    public long Decodes => Interlocked.Read(ref _decodes);

    /// <summary>The formats this intake reads, as MIME types and file extensions (what clients may send).</summary>
    public static IReadOnlyList<string> MediaTypes { get; } = ["image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "image/tiff"];

    public static IReadOnlyList<string> FileExtensions { get; } = [".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"];

    /// <summary>Identifies the format and declared size from the header and checks them against the limits.</summary>
    public ImageHeader Inspect(ReadOnlyMemory<byte> encoded)
    {
        if (encoded.Length == 0)
        {
            throw new ImageRejectedException(ImageRejection.UnknownFormat, "The image is empty.");
        }

        if (encoded.Length > _limits.MaxBytes)
        {
            throw new ImageRejectedException(
                ImageRejection.TooLarge,
                $"The image is {encoded.Length:N0} bytes; the limit is {_limits.MaxBytes:N0} bytes.");
        }

        var format = Image.DetectFormat(_configuration, encoded.Span)
            ?? throw new ImageRejectedException(
                ImageRejection.UnknownFormat,
                "The data is not an image in a supported format (JPEG, PNG, GIF, BMP, WebP, TIFF).");

        IImageInfo? info;
        try
        {
            using var stream = AsStream(encoded);
            info = Image.Identify(_configuration, stream, out _);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw Map(ex, format.Name);
        }

        if (info is null)
        {
            throw new ImageRejectedException(ImageRejection.Corrupt, $"The {format.Name} header could not be read.");
        }

        CheckDimensions(format.Name, info.Width, info.Height);
        CheckComplete(format.Name, encoded.Span);
        var frames = FrameCounter.Count(format.Name, encoded.Span);
        CheckFrames(format.Name, info.Width, info.Height, frames);
        return new ImageHeader(format.Name, info.Width, info.Height, frames);
    }

    /// <summary>Decodes the first frame to RGB, upright per EXIF orientation. The caller disposes the image.</summary>
    public Image<Rgb24> Decode(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken = default) =>
        Decode(encoded, Inspect(encoded), cancellationToken);

    /// <summary>Decodes an image whose header <see cref="Inspect"/> has already accepted.</summary>
    public Image<Rgb24> Decode(ReadOnlyMemory<byte> encoded, ImageHeader header, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _decodes);
        Image<Rgb24>? image = null;
        try
        {
            using var stream = AsStream(encoded);
            image = Image.Load<Rgb24>(_configuration, stream);
            // The header and the frames can disagree in crafted files; the decoded frames are what count.
            CheckDimensions(header.Format, image.Width, image.Height);
            CheckFrames(header.Format, image.Width, image.Height, image.Frames.Count);
            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            image?.Dispose();
            throw Map(ex, header.Format);
        }
        catch
        {
            image?.Dispose();
            throw;
        }
    }

    private void CheckDimensions(string format, int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ImageRejectedException(ImageRejection.Corrupt, $"The {format} image declares an empty size ({width} x {height}).");
        }

        if (width > _limits.MaxDimension || height > _limits.MaxDimension || (long)width * height > _limits.MaxPixels)
        {
            throw new ImageRejectedException(
                ImageRejection.TooLarge,
                $"The {format} image declares {width} x {height} pixels; the limit is {_limits.MaxPixels:N0} pixels and {_limits.MaxDimension:N0} a side.");
        }
    }

    private void CheckFrames(string format, int width, int height, int frames)
    {
        if (frames <= 1)
        {
            return;
        }

        if (format is not ("GIF" or "TIFF"))
        {
            // The decoder here reads only the first frame of an animated PNG or WebP: the others would go unchecked.
            throw new ImageRejectedException(
                ImageRejection.UnknownFormat,
                $"Animated {format} images cannot be checked frame by frame; send a still image, or the animation as a GIF.");
        }

        if (frames > _limits.MaxFramesRead || (long)width * height * frames > _limits.MaxPixels)
        {
            throw new ImageRejectedException(
                ImageRejection.TooLarge,
                $"The {format} image has {frames:N0} frames of {width} x {height}; the limit is {_limits.MaxFramesRead} frames and {_limits.MaxPixels:N0} pixels in all.");
        }
    }

    // ImageSharp fills a truncated JPEG or GIF with grey rather than failing; a partial upload must
    // not be moderated as if it were the whole picture, so the end marker is required.
    private static void CheckComplete(string format, ReadOnlySpan<byte> data)
    {
        var complete = format switch
        {
            // Entropy-coded data stuffs every 0xFF, so FF DA (start of scan) and FF D9 (end of image)
            // only occur as markers; an EXIF thumbnail's end marker comes before the main scan.
            "JPEG" => data.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]) is var sos and >= 0
                && data[sos..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0,
            "GIF" => data.TrimEnd((byte)0).EndsWith((ReadOnlySpan<byte>)[0x3B]),
            _ => true,
        };
        if (!complete)
        {
            throw new ImageRejectedException(ImageRejection.Corrupt, $"The {format} image is truncated or corrupt (no end marker).");
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> encoded) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(encoded, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(encoded.ToArray(), writable: false);

    private static bool IsDecoderFailure(Exception ex) =>
        ex is ImageFormatException // includes InvalidImageContentException and UnknownImageFormatException
            or InvalidMemoryOperationException
            or NotSupportedException
            or EndOfStreamException
            or InvalidDataException
            or IndexOutOfRangeException
            or ArgumentOutOfRangeException
            or ArgumentException
            or OverflowException
            or OutOfMemoryException;

    private static ImageRejectedException Map(Exception ex, string format) => Innermost(ex) switch
    {
        InvalidMemoryOperationException or OutOfMemoryException => new ImageRejectedException(
            ImageRejection.TooLarge, $"The {format} image needs more memory to decode than allowed.", ex),
        _ when ex is UnknownImageFormatException => new ImageRejectedException(
            ImageRejection.UnknownFormat, "The data is not an image in a supported format.", ex),
        _ when ex is NotSupportedException => new ImageRejectedException(
            ImageRejection.UnknownFormat, $"This kind of {format} image is not supported.", ex),
        _ => new ImageRejectedException(
            ImageRejection.Corrupt, $"The {format} image is truncated or corrupt.", ex),
    };

    // Decoders wrap allocation failures in InvalidImageContentException; the cause decides the reason.
    private static Exception Innermost(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is InvalidMemoryOperationException or OutOfMemoryException)
            {
                return e;
            }
        }

        return ex;
    }
}
