using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Models.Faces;

/// <summary>Packed RGB pixels, row-major, 3 bytes a pixel.</summary>
internal sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] data)
    {
        Width = width;
        Height = height;
        Data = data;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Data { get; }

    public static RgbImage From(Image<Rgb24> image)
    {
        var data = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(data);
        return new RgbImage(image.Width, image.Height, data);
    }

    /// <summary>Bilinear sample of the three channels; outside the image reads as 0.</summary>
    public void SampleRgb(float x, float y, Span<float> rgb)
    {
        var x0 = (int)MathF.Floor(x);
        var y0 = (int)MathF.Floor(y);
        var fx = x - x0;
        var fy = y - y0;
        rgb.Clear();
        Accumulate(x0, y0, (1 - fx) * (1 - fy), rgb);
        Accumulate(x0 + 1, y0, fx * (1 - fy), rgb);
        Accumulate(x0, y0 + 1, (1 - fx) * fy, rgb);
        Accumulate(x0 + 1, y0 + 1, fx * fy, rgb);
    }

    private void Accumulate(int x, int y, float weight, Span<float> rgb)
    {
        if (weight == 0 || (uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        rgb[0] += Data[i] * weight;
        rgb[1] += Data[i + 1] * weight;
        rgb[2] += Data[i + 2] * weight;
    }
}

/// <summary>
/// The image at halving scales, so every crop is sampled from a level no more than 2x finer than
/// needed: bilinear sampling then does not alias small faces away.
/// </summary>
internal sealed class ImagePyramid
{
    private readonly List<(float Scale, RgbImage Image)> _levels = [];

    public ImagePyramid(Image<Rgb24> image, int smallestSide = 96)
    {
        _levels.Add((1f, RgbImage.From(image)));
        var scale = 0.5f;
        Image<Rgb24>? previous = null;
        try
        {
            while (Math.Min(image.Width, image.Height) * scale >= smallestSide)
            {
                var w = Math.Max(1, (int)MathF.Round(image.Width * scale));
                var h = Math.Max(1, (int)MathF.Round(image.Height * scale));
                var source = previous ?? image;
                var next = source.Clone(x => x.Resize(w, h, KnownResamplers.Triangle));
                previous?.Dispose();
                previous = next;
                _levels.Add((scale, RgbImage.From(next)));
                scale /= 2;
            }
        }
        finally
        {
            previous?.Dispose();
        }
    }

    public int Width => _levels[0].Image.Width;

    public int Height => _levels[0].Image.Height;

    public RgbImage Original => _levels[0].Image;

    /// <summary>The coarsest level whose scale is still at least <paramref name="scale"/>.</summary>
    public (float Scale, RgbImage Image) LevelFor(float scale)
    {
        for (var i = _levels.Count - 1; i >= 0; i--)
        {
            if (_levels[i].Scale >= scale * 0.999f)
            {
                return _levels[i];
            }
        }

        return _levels[0];
    }
}

/// <summary>Where the pixels of a model input come from: input (u,v) maps to original (X0 + u/Scale, Y0 + v/Scale).</summary>
internal readonly record struct CropWindow(float X0, float Y0, float Scale)
{
    public BoxF ToOriginal(float x1, float y1, float x2, float y2) =>
        new(X0 + (x1 / Scale), Y0 + (y1 / Scale), (x2 - x1) / Scale, (y2 - y1) / Scale);

    public PointF32 ToOriginal(float x, float y) => new(X0 + (x / Scale), Y0 + (y / Scale));
}

internal enum TensorLayout
{
    Nchw,
    Nhwc,
}

internal static class TensorFill
{
    /// <summary>Fills an RGB input tensor of width x height from a window of the image, (value - mean) / std.</summary>
    public static float[] Rgb(ImagePyramid pyramid, CropWindow window, int width, int height, TensorLayout layout, float mean, float std)
    {
        var (levelScale, level) = pyramid.LevelFor(window.Scale);
        var tensor = new float[width * height * 3];
        var plane = width * height;
        var data = level.Data;
        var stride = level.Width * 3;
        var inv = 1f / std;
        // Column positions repeat on every row: compute them once.
        var x0s = new int[width];
        var fxs = new float[width];
        for (var u = 0; u < width; u++)
        {
            var x = ((window.X0 + ((u + 0.5f) / window.Scale)) * levelScale) - 0.5f;
            x0s[u] = (int)MathF.Floor(x);
            fxs[u] = x - x0s[u];
        }

        Span<float> rgb = stackalloc float[3];
        for (var v = 0; v < height; v++)
        {
            var y = ((window.Y0 + ((v + 0.5f) / window.Scale)) * levelScale) - 0.5f;
            var y0 = (int)MathF.Floor(y);
            var fy = y - y0;
            var rowInside = y0 >= 0 && y0 + 1 < level.Height;
            for (var u = 0; u < width; u++)
            {
                var x0 = x0s[u];
                var fx = fxs[u];
                float r, g, b;
                if (rowInside && x0 >= 0 && x0 + 1 < level.Width)
                {
                    var i00 = (y0 * stride) + (x0 * 3);
                    var i10 = i00 + stride;
                    var w00 = (1 - fx) * (1 - fy);
                    var w01 = fx * (1 - fy);
                    var w10 = (1 - fx) * fy;
                    var w11 = fx * fy;
                    r = (data[i00] * w00) + (data[i00 + 3] * w01) + (data[i10] * w10) + (data[i10 + 3] * w11);
                    g = (data[i00 + 1] * w00) + (data[i00 + 4] * w01) + (data[i10 + 1] * w10) + (data[i10 + 4] * w11);
                    b = (data[i00 + 2] * w00) + (data[i00 + 5] * w01) + (data[i10 + 2] * w10) + (data[i10 + 5] * w11);
                }
                else
                {
                    level.SampleRgb(x0 + fx, y, rgb);
                    (r, g, b) = (rgb[0], rgb[1], rgb[2]);
                }

                var pixel = (v * width) + u;
                if (layout == TensorLayout.Nchw)
                {
                    tensor[pixel] = (r - mean) * inv;
                    tensor[plane + pixel] = (g - mean) * inv;
                    tensor[(2 * plane) + pixel] = (b - mean) * inv;
                }
                else
                {
                    tensor[pixel * 3] = (r - mean) * inv;
                    tensor[(pixel * 3) + 1] = (g - mean) * inv;
                    tensor[(pixel * 3) + 2] = (b - mean) * inv;
                }
            }
        }

        return tensor;
    }
}
