using Kusd.Moderation.Images;
using SkiaSharp;

namespace Kusd.Moderation.Tests.Images;

/// <summary>Loads the image models once for every test class that needs them; they are thread-safe.</summary>
public sealed class ImageRulesFixture : IDisposable
{
    public ImageRuleSet Set { get; } = ImageRules.Create(new ModerationOptions());

    public void Dispose() => Set.Dispose();
}

/// <summary>Draws text with DejaVu Sans (Debian fonts-dejavu-core) and says where each part of it went.</summary>
internal sealed class TextCanvas : IDisposable
{
    private const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private readonly SKBitmap _bitmap;
    private readonly SKCanvas _canvas;
    private readonly SKTypeface _typeface;
    private readonly SKPaint _paint = new() { Color = new SKColor(25, 25, 35), IsAntialias = true };

    public TextCanvas(int width, int height)
    {
        if (!File.Exists(FontPath))
        {
            throw new FileNotFoundException("DejaVu Sans is missing: apt-get install fonts-dejavu-core.", FontPath);
        }

        _typeface = SKTypeface.FromFile(FontPath);
        _bitmap = new SKBitmap(width, height);
        _canvas = new SKCanvas(_bitmap);
        _canvas.Clear(new SKColor(245, 242, 230));
    }

    /// <summary>Draws a line at (x, baseline y) and returns the ink box of <paramref name="part"/> within it.</summary>
    public ImageRegion Draw(string line, string part, int x, int y, float size)
    {
        using var font = new SKFont(_typeface, size);
        _canvas.DrawText(line, x, y, SKTextAlign.Left, font, _paint);
        var start = line.IndexOf(part, StringComparison.Ordinal);
        var before = font.MeasureText(line[..start], _paint);
        font.MeasureText(part, out var bounds, _paint);
        return new ImageRegion((int)(x + before + bounds.Left), (int)(y + bounds.Top), (int)bounds.Width, (int)bounds.Height);
    }

    public byte[] Png()
    {
        _canvas.Flush();
        using var image = SKImage.FromBitmap(_bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose()
    {
        _canvas.Dispose();
        _bitmap.Dispose();
        _typeface.Dispose();
        _paint.Dispose();
    }
}
