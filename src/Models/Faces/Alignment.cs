namespace Kusd.Moderation.Models.Faces;

/// <summary>Least-squares similarity transform of 5 landmarks onto a template, and the warp it implies.</summary>
internal static class FaceAlignment
{
    /// <summary>ArcFace 112x112 template: eye centres, nose tip, mouth corners (image-left first).</summary>
    public static readonly PointF32[] ArcFace112 =
    [
        new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f), new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
    ];

    /// <summary>
    /// dlib's 150x150 chip with padding 0.25 (get_face_chip_details): the same 5 points taken from
    /// dlib's mean 68-point face shape (eyes = mean of 36-41 / 42-47, nose tip 30, mouth corners
    /// mean(48,60) / mean(54,64)), mapped by (padding + p) / (1 + 2 padding) * 150.
    /// </summary>
    public static readonly PointF32[] Dlib150 =
    [
        new(47.5492f, 46.5990f), new(100.4761f, 46.5990f), new(74.0127f, 76.5625f), new(52.2264f, 103.2512f), new(95.7989f, 103.2512f),
    ];

    /// <summary>Maps template (chip) coordinates back to image coordinates: x = a u - b v + tx, y = b u + a v + ty.</summary>
    internal readonly record struct Similarity(float A, float B, float Tx, float Ty)
    {
        public PointF32 Apply(float u, float v) => new((A * u) - (B * v) + Tx, (B * u) + (A * v) + Ty);

        /// <summary>Image pixels per chip pixel.</summary>
        public float Scale => MathF.Sqrt((A * A) + (B * B));
    }

    /// <summary>Fits image = S(template) in the least-squares sense (Umeyama without reflection).</summary>
    public static Similarity ChipToImage(IReadOnlyList<PointF32> image, IReadOnlyList<PointF32> template)
    {
        var n = template.Count;
        float mux = 0, muy = 0, mix = 0, miy = 0;
        for (var i = 0; i < n; i++)
        {
            mux += template[i].X;
            muy += template[i].Y;
            mix += image[i].X;
            miy += image[i].Y;
        }

        mux /= n;
        muy /= n;
        mix /= n;
        miy /= n;
        float sxx = 0, num1 = 0, num2 = 0;
        for (var i = 0; i < n; i++)
        {
            var u = template[i].X - mux;
            var v = template[i].Y - muy;
            var x = image[i].X - mix;
            var y = image[i].Y - miy;
            sxx += (u * u) + (v * v);
            num1 += (u * x) + (v * y);
            num2 += (u * y) - (v * x);
        }

        var a = num1 / sxx;
        var b = num2 / sxx;
        return new Similarity(a, b, mix - ((a * mux) - (b * muy)), miy - ((b * mux) + (a * muy)));
    }

    /// <summary>Warps the face to a size x size RGB chip (bytes, row-major) sampled from a suitable pyramid level.</summary>
    public static byte[] Warp(ImagePyramid pyramid, IReadOnlyList<PointF32> landmarks, IReadOnlyList<PointF32> template, int size)
    {
        var map = ChipToImage(landmarks, template);
        var (levelScale, level) = pyramid.LevelFor(1f / map.Scale);
        var chip = new byte[size * size * 3];
        Span<float> rgb = stackalloc float[3];
        for (var v = 0; v < size; v++)
        {
            for (var u = 0; u < size; u++)
            {
                var p = map.Apply(u, v);
                var x = ((p.X + 0.5f) * levelScale) - 0.5f;
                var y = ((p.Y + 0.5f) * levelScale) - 0.5f;
                level.SampleRgb(x, y, rgb);
                for (var c = 0; c < 3; c++)
                {
                    chip[(((v * size) + u) * 3) + c] = (byte)Math.Clamp(MathF.Round(rgb[c]), 0, 255);
                }
            }
        }

        return chip;
    }
}
