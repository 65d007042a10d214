using System.Buffers.Binary;
using System.Text;
using Kusd.Moderation.Models.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Models.Tests;

public sealed class ImageIntakeTests
{
    private readonly ImageIntake _intake = new();

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("gif")]
    public void WholeImageDecodesToItsSize(string format)
    {
        using var image = _intake.Decode(Encode(format));

        Assert.Equal((64, 48), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("gif")]
    public void TruncatedImageIsRejectedAsCorrupt(string format)
    {
        var bytes = Encode(format);
        var truncated = bytes.AsMemory(0, bytes.Length / 2);

        var ex = Assert.Throws<ImageRejectedException>(() => _intake.Decode(truncated).Dispose());

        Assert.Equal(ImageRejection.Corrupt, ex.Reason);
        Assert.Contains("truncated or corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PngDeclaringFiftyThousandPixelsASideIsRejectedBeforeDecoding()
    {
        var bomb = PngHeaderOnly(50_000, 50_000);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.Throws<ImageRejectedException>(() => _intake.Decode(bomb).Dispose());

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(ImageRejection.TooLarge, ex.Reason);
        Assert.Contains("50000 x 50000", ex.Message.Replace(",", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ImageOverTheByteLimitIsRejectedAsTooLarge()
    {
        var intake = new ImageIntake(new ImageLimits { MaxBytes = 100 });

        var ex = Assert.Throws<ImageRejectedException>(() => intake.Decode(Encode("png")).Dispose());

        Assert.Equal(ImageRejection.TooLarge, ex.Reason);
    }

    [Fact]
    public void DecoderThatNeedsMoreThanTheAllocationLimitIsRejected()
    {
        // The header is within the pixel limit but one buffer would exceed a tiny allocator limit.
        var intake = new ImageIntake(new ImageLimits { AllocationLimitMegabytes = 1 });
        using var big = new Image<Rgb24>(1200, 1000);
        using var stream = new MemoryStream();
        big.SaveAsPng(stream);

        var ex = Assert.Throws<ImageRejectedException>(() => intake.Decode(stream.ToArray()).Dispose());

        Assert.Equal(ImageRejection.TooLarge, ex.Reason);
    }

    [Fact]
    public void ZeroBytesAreRejectedAsUnknownFormat()
    {
        var ex = Assert.Throws<ImageRejectedException>(() => _intake.Decode(ReadOnlyMemory<byte>.Empty).Dispose());

        Assert.Equal(ImageRejection.UnknownFormat, ex.Reason);
    }

    [Fact]
    public void TextFileIsRejectedAsUnknownFormat()
    {
        var text = Encoding.UTF8.GetBytes("Dear parents, the class photo is attached.\n");

        var ex = Assert.Throws<ImageRejectedException>(() => _intake.Decode(text).Dispose());

        Assert.Equal(ImageRejection.UnknownFormat, ex.Reason);
        Assert.Contains("not an image", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExifOrientationIsAppliedSoThePhotoIsUpright()
    {
        using var source = new Image<Rgb24>(64, 48);
        source.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        source.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
        using var stream = new MemoryStream();
        source.SaveAsJpeg(stream);

        using var image = _intake.Decode(stream.ToArray());

        Assert.Equal((48, 64), (image.Width, image.Height));
    }

    private static byte[] Encode(string format)
    {
        using var image = new Image<Rgb24>(64, 48);
        image.Mutate(x => x.BackgroundColor(Color.CornflowerBlue));
        var random = new Random(7);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)(x * 4), (byte)(y * 5));
            }
        }

        using var stream = new MemoryStream();
        switch (format)
        {
            case "jpeg": image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 }); break;
            case "png": image.SaveAsPng(stream); break;
            case "gif": image.SaveAsGif(stream); break;
            default: throw new ArgumentOutOfRangeException(nameof(format));
        }

        return stream.ToArray();
    }

    private static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        AddChunk(png, "IHDR", ihdr);
        AddChunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        AddChunk(png, "IEND", []);
        return [.. png];
    }

    private static void AddChunk(List<byte> png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.AddRange(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.AddRange(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.AddRange(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
