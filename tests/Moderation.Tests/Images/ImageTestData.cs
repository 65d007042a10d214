using Kusd.Moderation.Content;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Roster;
using SkiaSharp;

namespace Kusd.Moderation.Tests.Images;

/// <summary>Face templates a test sets (the roster database's role); none until it does.</summary>
public sealed class TestTemplates : IFaceTemplateProvider
{
    public FaceTemplateSet? Set { get; set; }

    public FaceTemplateSet GetTemplates(string model, int dimension) => Set ?? FaceTemplateSet.Empty(model, dimension);
}

/// <summary>
/// The engine as the API and the CLI build it (<see cref="ModerationEngineBuilder"/>, default settings), with
/// its models loaded once for a test class; they are thread-safe. <see cref="Engine"/> builds engines with a
/// part of the image checkers over the same models.
/// </summary>
public sealed class ImageEngineFixture : IDisposable
{
    public ImageEngineFixture() =>
        Host = ModerationEngineBuilder.Build(new ModerationSettings(), new FixedRosterProvider(RosterSnapshot.Empty), Templates);

    public TestTemplates Templates { get; } = new();

    public EngineHost Host { get; }

    public ImagePipeline Images => Host.Engine.Images!;

    public FaceAnalyzer Faces => Host.Faces!;

    /// <summary>An engine over these models with only the image checkers <paramref name="keep"/> accepts (OCR and the text rules when <paramref name="readText"/>).</summary>
    public ModerationEngine Engine(Func<IImageRule, bool> keep, bool readText = false, RosterSnapshot? roster = null) =>
        new(
            readText ? DefaultRules.CreateTextRules(new ModerationOptions()) : [],
            new FixedRosterProvider(roster ?? RosterSnapshot.Empty),
            new ModerationOptions(),
            new ImagePipeline(Images.Intake, [.. Images.Rules.Where(keep)], readText ? Images.Text : null, Images.Sanitizer));

    /// <summary>An image through the boundary, as the engine hands it to checkers.</summary>
    public DecodedImage Decode(string field, string name, byte[] data)
    {
        var header = Images.Intake.Inspect(data);
        return new DecodedImage(new ContentImage(field, name, data), header, Images.Intake.Decode(data, header));
    }

    public void Dispose() => Host.Dispose();
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
