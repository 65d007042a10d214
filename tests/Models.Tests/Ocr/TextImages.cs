using SkiaSharp;

namespace Kusd.Moderation.Models.Tests.Ocr;

/// <summary>Draws lines of text onto a plain background with DejaVu Sans (Debian fonts-dejavu-core), recording where each line went.</summary>
internal static class TextImages
{
    public const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>Encodes a PNG with each (text, x, baseline y, size) drawn in near-black on off-white; returns the ink box of each line.</summary>
    public static (byte[] Png, IReadOnlyList<SKRectI> Boxes) Draw(int width, int height, params (string Text, int X, int Y, float Size)[] lines)
    {
        if (!File.Exists(FontPath))
        {
            throw new FileNotFoundException("DejaVu Sans is missing: apt-get install fonts-dejavu-core.", FontPath);
        }

        using var typeface = SKTypeface.FromFile(FontPath);
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(new SKColor(250, 248, 240));
        using var paint = new SKPaint { Color = new SKColor(20, 20, 30), IsAntialias = true };
        var boxes = new List<SKRectI>();
        foreach (var (text, x, y, size) in lines)
        {
            using var font = new SKFont(typeface, size);
            canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
            font.MeasureText(text, out var bounds, paint);
            bounds.Offset(x, y);
            boxes.Add(SKRectI.Round(bounds));
        }

        canvas.Flush();
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return (data.ToArray(), boxes);
    }
}
