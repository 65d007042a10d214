using System.Buffers.Binary;

namespace Kusd.Moderation.Models.Images;

/// <summary>
/// Counts the frames (GIF images, TIFF pages, APNG and animated WebP frames) an image file holds by
/// walking its block structure, without decoding pixels. Every frame is shown by some viewer, so every
/// frame must be checked, and how many there are must be known before decoding them is allowed to
/// take memory. A structure that cannot be walked counts as what was seen so far; the decoder then
/// refuses what is corrupt.
/// </summary>
public static class FrameCounter
{
    /// <summary>Stops a looping TIFF IFD chain or a block flood; far above any frame limit.</summary>
    private const int MaxWalk = 100_000;

    public static int Count(string format, ReadOnlySpan<byte> data) => format switch
    {
        "GIF" => Gif(data),
        "TIFF" => Tiff(data),
        "PNG" => Png(data),
        "Webp" or "WEBP" => Webp(data),
        _ => 1,
    };

    private static int Gif(ReadOnlySpan<byte> d)
    {
        if (d.Length < 13)
        {
            return 1;
        }

        var p = 13 + ((d[10] & 0x80) != 0 ? 3 * (1 << ((d[10] & 7) + 1)) : 0);
        var frames = 0;
        for (var steps = 0; p < d.Length && steps < MaxWalk; steps++)
        {
            switch (d[p])
            {
                case 0x21: // extension: label, then sub-blocks
                    p = SkipSubBlocks(d, p + 2);
                    break;
                case 0x2C: // image descriptor, optional local colour table, LZW code size, sub-blocks
                    frames++;
                    if (p + 10 > d.Length)
                    {
                        return Math.Max(1, frames);
                    }

                    var packed = d[p + 9];
                    p += 10 + ((packed & 0x80) != 0 ? 3 * (1 << ((packed & 7) + 1)) : 0);
                    p = SkipSubBlocks(d, p + 1);
                    break;
                default: // 0x3B trailer, or something else: the walk ends
                    return Math.Max(1, frames);
            }
        }

        return Math.Max(1, frames);
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> d, int p)
    {
        while (p < d.Length && d[p] != 0)
        {
            p += d[p] + 1;
        }

        return p + 1;
    }

    private static int Tiff(ReadOnlySpan<byte> d)
    {
        if (d.Length < 8)
        {
            return 1;
        }

        var seen = new HashSet<uint>();
        var little = d[0] == (byte)'I';
        var offset = U32(d, 4, little);
        var pages = 0;
        while (offset != 0 && offset + 2 <= d.Length && seen.Add(offset) && pages < MaxWalk)
        {
            pages++;
            var entries = U16(d, (int)offset, little);
            var next = (long)offset + 2 + (entries * 12L);
            if (next + 4 > d.Length)
            {
                break;
            }

            offset = U32(d, (int)next, little);
        }

        return Math.Max(1, pages);
    }

    private static uint U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    private static ushort U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    // APNG: the acTL chunk (before IDAT) declares the frame count.
    private static int Png(ReadOnlySpan<byte> d)
    {
        for (var p = 8; p + 12 <= d.Length;)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(d[p..]);
            var type = d.Slice(p + 4, 4);
            if (type.SequenceEqual("acTL"u8) && p + 12 <= d.Length)
            {
                return (int)Math.Clamp(BinaryPrimitives.ReadUInt32BigEndian(d[(p + 8)..]), 1u, int.MaxValue);
            }

            if (type.SequenceEqual("IDAT"u8) || length > int.MaxValue - 12 - p)
            {
                return 1;
            }

            p += 12 + (int)length;
        }

        return 1;
    }

    // Animated WebP: an ANIM chunk, then one ANMF chunk per frame.
    private static int Webp(ReadOnlySpan<byte> d)
    {
        var frames = 0;
        var animated = false;
        for (var p = 12; p + 8 <= d.Length;)
        {
            var type = d.Slice(p, 4);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(d[(p + 4)..]);
            animated |= type.SequenceEqual("ANIM"u8);
            if (type.SequenceEqual("ANMF"u8))
            {
                frames++;
            }

            if (length > int.MaxValue - 9 - p)
            {
                break;
            }

            p += 8 + (int)length + (int)(length & 1);
        }

        return animated ? Math.Max(1, frames) : 1;
    }
}
