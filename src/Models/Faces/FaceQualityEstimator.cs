namespace Kusd.Moderation.Models.Faces;

/// <summary>Size, sharpness, yaw and landmark plausibility of one face.</summary>
internal static class FaceQualityEstimator
{
    // Nose tip protrusion in front of the eye plane relative to half the eye distance (typical adult
    // face); under yaw t the nose shifts by p sin t while the half eye distance shrinks to cos t.
    private const float NoseDepth = 0.7f;

    public static FaceQuality Estimate(BoxF box, IReadOnlyList<PointF32> five, byte[] greySource, int chipSize, FaceOptions options)
    {
        var shortSide = Math.Min(box.Width, box.Height);
        var sharpness = LaplacianVariance(greySource, chipSize);
        var yaw = Yaw(five);
        string? reason = null;
        if (!Plausible(five, box))
        {
            reason = "no frontal human face landmarks (turned away, occluded or not a person)";
        }
        else if (shortSide < options.MinRecognizableFacePixels)
        {
            reason = $"face too small ({shortSide:F0} px, need {options.MinRecognizableFacePixels})";
        }
        else if (MathF.Abs(yaw) > options.MaxYawDegrees)
        {
            reason = $"face turned away ({yaw:F0} degrees)";
        }
        else if (sharpness < options.MinSharpness)
        {
            reason = $"face too blurred (sharpness {sharpness:F0}, need {options.MinSharpness:F0})";
        }

        return new FaceQuality(shortSide, sharpness, yaw, reason is null, reason);
    }

    public static float Yaw(IReadOnlyList<PointF32> p)
    {
        var ex = p[1].X - p[0].X;
        var ey = p[1].Y - p[0].Y;
        var eyeDistance = MathF.Sqrt((ex * ex) + (ey * ey));
        if (eyeDistance < 1e-3f)
        {
            return 90f;
        }

        var midX = (p[0].X + p[1].X) / 2;
        var midY = (p[0].Y + p[1].Y) / 2;
        // Nose offset along the eye line, in half eye distances.
        var along = (((p[2].X - midX) * ex) + ((p[2].Y - midY) * ey)) / eyeDistance / (eyeDistance / 2);
        return MathF.Atan(along / NoseDepth) * 180f / MathF.PI;
    }

    /// <summary>Eyes apart, mouth below the eyes at a human distance, nose between: rejects most animal faces and clutter.</summary>
    public static bool Plausible(IReadOnlyList<PointF32> p, BoxF box)
    {
        var ex = p[1].X - p[0].X;
        var ey = p[1].Y - p[0].Y;
        var eyeDistance = MathF.Sqrt((ex * ex) + (ey * ey));
        if (eyeDistance < 0.15f * box.Width || eyeDistance > 0.8f * box.Width)
        {
            return false;
        }

        var midX = (p[0].X + p[1].X) / 2;
        var midY = (p[0].Y + p[1].Y) / 2;
        var mouthX = (p[3].X + p[4].X) / 2;
        var mouthY = (p[3].Y + p[4].Y) / 2;
        // Perpendicular (downward in the face frame) component of eye-midpoint -> mouth.
        var down = (((mouthX - midX) * -ey) + ((mouthY - midY) * ex)) / eyeDistance;
        var noseDown = (((p[2].X - midX) * -ey) + ((p[2].Y - midY) * ex)) / eyeDistance;
        return down > 0.5f * eyeDistance && down < 2.0f * eyeDistance && noseDown > 0 && noseDown < down;
    }

    /// <summary>Variance of the 4-neighbour Laplacian over an RGB chip converted to grey.</summary>
    public static float LaplacianVariance(byte[] rgbChip, int size)
    {
        var grey = new float[size * size];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = (0.299f * rgbChip[i * 3]) + (0.587f * rgbChip[(i * 3) + 1]) + (0.114f * rgbChip[(i * 3) + 2]);
        }

        double sum = 0, sumSq = 0;
        var n = 0;
        for (var y = 1; y < size - 1; y++)
        {
            for (var x = 1; x < size - 1; x++)
            {
                var i = (y * size) + x;
                var lap = grey[i - 1] + grey[i + 1] + grey[i - size] + grey[i + size] - (4 * grey[i]);
                sum += lap;
                sumSq += lap * lap;
                n++;
            }
        }

        var mean = sum / n;
        return (float)((sumSq / n) - (mean * mean));
    }
}
