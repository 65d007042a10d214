using System.Text;
using System.Text.Unicode;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>The decoded text of a file and what decoding had to do to get it.</summary>
internal sealed record SourceText(string Text, bool HasByteOrderMark, long? FirstInvalidByteOffset)
{
    public bool IsValidUtf8 => FirstInvalidByteOffset is null;
}

/// <summary>Reads files as UTF-8: a byte order mark is fine, invalid bytes become U+FFFD so the rest is still checked.</summary>
internal static class SourceReader
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // Lenient on purpose: refusing a whole page for one bad byte would leave the rest unchecked.
    private static readonly UTF8Encoding Decoder = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static SourceText Decode(ReadOnlySpan<byte> bytes)
    {
        var hasBom = bytes.StartsWith(Utf8Bom);
        var body = hasBom ? bytes[Utf8Bom.Length..] : bytes;
        long? invalidAt = Utf8.IsValid(body) ? null : FirstInvalidOffset(body) + (hasBom ? Utf8Bom.Length : 0);
        return new SourceText(Decoder.GetString(body), hasBom, invalidAt);
    }

    /// <summary>The bytes to write back: UTF-8, keeping the byte order mark if the file had one.</summary>
    public static byte[] Encode(string text, bool withByteOrderMark)
    {
        var encoded = Decoder.GetBytes(text);
        return withByteOrderMark ? [.. Utf8Bom, .. encoded] : encoded;
    }

    private static int FirstInvalidOffset(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }
}
