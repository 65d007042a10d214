namespace Kusd.Moderation.Models.Faces;

/// <summary>
/// Runs a fixed-size detector over the whole image letterboxed and over overlapping tiles at
/// doubling scales, so faces from a frame-filling portrait down to a few dozen pixels in a class
/// photo land in the detector's working range at some scale.
/// </summary>
internal static class PyramidDetection
{
    // Whole-image pass: a face that fills the frame must still fit the detector's largest anchor.
    private const float WholeImageMargin = 0.7f;

    /// <summary>Windows to run, coarse to fine, within the tile budget.</summary>
    public static List<(CropWindow Window, bool[] InteriorEdges)> Plan(int width, int height, IWindowDetector detector, int minFacePixels, int maxTiles)
    {
        var iw = detector.InputWidth;
        var ih = detector.InputHeight;
        var fit = Math.Min((float)iw / width, (float)ih / height) * WholeImageMargin;
        var needed = detector.MinFace / minFacePixels;
        var scales = new List<float> { fit };
        for (var s = fit * 2; s < needed * 1.0001f; s *= 2)
        {
            scales.Add(s);
        }

        // A last scale within 25% of the previous one would only repeat its work.
        if (scales[^1] < needed * 0.8f)
        {
            scales.Add(needed);
        }

        var windows = new List<(CropWindow, bool[])>();
        foreach (var scale in scales)
        {
            var level = Tiles(width, height, iw, ih, scale, detector.MinFace);
            if (windows.Count + level.Count > maxTiles && windows.Count > 0)
            {
                break;
            }

            windows.AddRange(level);
        }

        return windows;
    }

    public static List<FaceCandidate> Detect(ImagePyramid pyramid, IWindowDetector detector, float threshold, int minFacePixels, int maxTiles, CancellationToken cancellationToken)
    {
        // Windows are independent: they run side by side (the inference gate bounds how many at once), each
        // into its own slot, and are joined in plan order, so the result is the same as one by one.
        var plan = Plan(pyramid.Width, pyramid.Height, detector, minFacePixels, maxTiles);
        var perWindow = new List<FaceCandidate>[plan.Count];
        Parallel.For(0, plan.Count, FaceAnalyzer.Parallelism(cancellationToken), k =>
        {
            var (window, interior) = plan[k];
            var found = new List<FaceCandidate>();
            var tileRight = window.X0 + (detector.InputWidth / window.Scale);
            var tileBottom = window.Y0 + (detector.InputHeight / window.Scale);
            var edge = 2f / window.Scale;
            foreach (var c in detector.Detect(pyramid, window, threshold, cancellationToken))
            {
                // A face cut by a tile border is found whole in the neighbouring tile or a coarser scale.
                var cut = (interior[0] && c.Box.X < window.X0 + edge)
                    || (interior[1] && c.Box.Y < window.Y0 + edge)
                    || (interior[2] && c.Box.Right > tileRight - edge)
                    || (interior[3] && c.Box.Bottom > tileBottom - edge);
                if (!cut)
                {
                    found.Add(c);
                }
            }

            perWindow[k] = found;
        });

        return [.. perWindow.SelectMany(f => f)];
    }

    private static List<(CropWindow, bool[])> Tiles(int width, int height, int iw, int ih, float scale, float minFace)
    {
        var sw = width * scale;
        var sh = height * scale;
        var overlap = 2.5f * minFace;
        var result = new List<(CropWindow, bool[])>();
        var xs = Starts(sw, iw, overlap);
        var ys = Starts(sh, ih, overlap);
        for (var j = 0; j < ys.Count; j++)
        {
            for (var i = 0; i < xs.Count; i++)
            {
                var window = new CropWindow(xs[i] / scale, ys[j] / scale, scale);
                result.Add((window, [i > 0, j > 0, i < xs.Count - 1, j < ys.Count - 1]));
            }
        }

        return result;
    }

    // Tile origins in scaled pixels; one centred tile (letterbox) when the image fits.
    private static List<float> Starts(float length, int tile, float overlap)
    {
        if (length <= tile)
        {
            return [(length - tile) / 2];
        }

        var n = (int)MathF.Ceiling((length - overlap) / (tile - overlap));
        var step = (length - tile) / (n - 1);
        return Enumerable.Range(0, n).Select(k => k * step).ToList();
    }

    public static float IoU(BoxF a, BoxF b)
    {
        var inter = Intersection(a, b);
        var union = a.Area + b.Area - inter;
        return union > 0 ? inter / union : 0;
    }

    private static float Intersection(BoxF a, BoxF b) =>
        Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X)) * Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));

    /// <summary>Greedy NMS; also drops a box mostly inside a higher-scoring one (a face part found at a finer scale).</summary>
    public static List<FaceCandidate> Suppress(IEnumerable<FaceCandidate> candidates, float iouThreshold)
    {
        var kept = new List<FaceCandidate>();
        foreach (var c in candidates.OrderByDescending(c => c.Score))
        {
            if (!kept.Any(k => IoU(k.Box, c.Box) > iouThreshold || Containment(c.Box, k.Box) > 0.7f))
            {
                kept.Add(c);
            }
        }

        return kept;
    }

    private static float Containment(BoxF inner, BoxF outer) => inner.Area > 0 ? Intersection(inner, outer) / inner.Area : 0;
}
