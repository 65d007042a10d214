using System.Diagnostics;
using System.Globalization;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Evaluation;

internal static class FaceEvaluation
{
    private sealed record Entry(string Path, string Identity, string Notes);

    public static int Run(string root, string embedders, string detectors, bool verbose, bool sizes = false)
    {
        var manifest = Path.Combine(root, "MANIFEST.tsv");
        if (!File.Exists(manifest))
        {
            Console.Error.WriteLine($"error: evaluation set missing: {manifest} not found");
            return Program.ExitMissingData;
        }

        var entries = File.ReadLines(manifest).Skip(1)
            .Select(l => l.Split('\t'))
            .Where(c => c.Length >= 2)
            .Select(c => new Entry(Path.Combine(root, c[0]), c[1], c.Length > 5 ? c[5] : string.Empty))
            .ToList();
        var missing = entries.Where(e => !File.Exists(e.Path)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"error: {missing.Count} files of the manifest are missing, e.g. {missing[0].Path}");
            return Program.ExitMissingData;
        }

        // "dlib-arcface-template" aligns dlib chips to the ArcFace template scaled to 150 px.
        var dlibArcFaceTemplate = embedders == "dlib-arcface-template";
        var embedderKinds = embedders == "all" ? [FaceEmbedderKind.ArcFace, FaceEmbedderKind.Dlib, FaceEmbedderKind.Fused]
            : dlibArcFaceTemplate ? [FaceEmbedderKind.Dlib]
            : new[] { Enum.Parse<FaceEmbedderKind>(embedders, ignoreCase: true) };
        var detectorKinds = detectors == "all"
            ? [FaceDetectorKind.UltraFace, FaceDetectorKind.BlazeFace]
            : new[] { Enum.Parse<FaceDetectorKind>(detectors, ignoreCase: true) };
        var bytes = entries.ToDictionary(e => e.Path, e => File.ReadAllBytes(e.Path));
        Console.WriteLine($"set: {entries.Count} photos, {entries.Count(e => e.Identity.StartsWith("group:", StringComparison.Ordinal))} group, {entries.Count(e => e.Identity == "noface")} no-face");
        Console.WriteLine("detector   embedder | group recall  extras | noface faces (recog.) | no subject | genuine impostor | TAR@FAR1% (thr)  TAR@FAR0.1% (thr) | EER (thr) | genuine p5/p50  impostor p50/p95/max | ms/photo");
        foreach (var detector in detectorKinds)
        {
            foreach (var embedder in embedderKinds)
            {
                using var analyzer = new FaceAnalyzer(new FaceOptions { Detector = detector, Embedder = embedder, DlibWithArcFaceTemplate = dlibArcFaceTemplate });
                var watch = Stopwatch.StartNew();
                var results = new Dictionary<string, FaceAnalysis>();
                foreach (var e in entries)
                {
                    try
                    {
                        results[e.Path] = analyzer.Analyze(bytes[e.Path]);
                    }
                    catch (ImageRejectedException ex)
                    {
                        Console.Error.WriteLine($"{e.Path}: rejected: {ex.Message}");
                    }
                }

                var msPerPhoto = watch.Elapsed.TotalMilliseconds / entries.Count;
                var enrolled = Report(detector, embedder, entries, results, msPerPhoto, verbose);
                SmallFaces(analyzer, entries, bytes, results);
                if (sizes)
                {
                    FaceSizes(detector, embedder, entries, bytes, results, enrolled);
                }
            }
        }

        return Program.ExitOk;
    }

    private static Dictionary<string, float[]> Report(FaceDetectorKind detector, FaceEmbedderKind embedder, List<Entry> entries, Dictionary<string, FaceAnalysis> results, double msPerPhoto, bool verbose)
    {
        double recallSum = 0;
        int groups = 0, extras = 0, nofaceFaces = 0, nofaceRecognizable = 0;
        foreach (var e in entries.Where(e => e.Identity.StartsWith("group:", StringComparison.Ordinal)))
        {
            var expected = int.Parse(e.Identity["group:".Length..], CultureInfo.InvariantCulture);
            var found = results.TryGetValue(e.Path, out var r) ? r.Faces.Count : 0;
            recallSum += Math.Min(found, expected) / (double)expected;
            extras += Math.Max(0, found - expected);
            groups++;
            if (verbose)
            {
                Console.WriteLine($"  {Path.GetFileName(e.Path)}: found {found} of {expected}; " + Describe(r));
            }
        }

        foreach (var e in entries.Where(e => e.Identity == "noface"))
        {
            var faces = results.TryGetValue(e.Path, out var r) ? r.Faces : [];
            nofaceFaces += faces.Count;
            nofaceRecognizable += faces.Count(f => f.Quality.IsRecognizable);
            if (verbose && faces.Count > 0)
            {
                Console.WriteLine($"  {Path.GetFileName(e.Path)}: {faces.Count} false faces; " + Describe(r));
            }
        }

        // The subject of an identity photo is its largest recognisable face.
        var subjects = new Dictionary<string, float[]>();
        var noSubject = 0;
        foreach (var e in entries.Where(e => !e.Identity.StartsWith("group:", StringComparison.Ordinal) && e.Identity != "noface"))
        {
            var face = results.TryGetValue(e.Path, out var r)
                ? r.Faces.Where(f => f.Embedding is not null).OrderByDescending(f => f.Box.Area).FirstOrDefault()
                : null;
            if (face?.Embedding is null)
            {
                noSubject++;
                if (verbose)
                {
                    Console.WriteLine($"  no recognisable subject: {Path.GetFileName(e.Path)}; " + Describe(r));
                }

                continue;
            }

            subjects[e.Path] = face.Embedding;
        }

        // One photo enrolled per identity (the first with a subject), every other photo a probe.
        var enrolled = entries.Where(e => subjects.ContainsKey(e.Path) && e.Identity != "unknown" && !e.Identity.StartsWith("group:", StringComparison.Ordinal))
            .GroupBy(e => e.Identity)
            .ToDictionary(g => g.Key, g => g.First());
        var genuine = new List<double>();
        var impostor = new List<double>();
        foreach (var probe in entries.Where(e => subjects.ContainsKey(e.Path)))
        {
            foreach (var (identity, enrolledEntry) in enrolled)
            {
                if (enrolledEntry.Path == probe.Path)
                {
                    continue;
                }

                var score = Dot(subjects[probe.Path], subjects[enrolledEntry.Path]);
                (identity == probe.Identity ? genuine : impostor).Add(score);
            }
        }

        var (tar1, thr1) = TarAtFar(genuine, impostor, 0.01);
        var (tar01, thr01) = TarAtFar(genuine, impostor, 0.001);
        var (eer, eerThr) = Eer(genuine, impostor);
        Console.WriteLine(
            $"{detector,-10} {embedder,-8} | {recallSum / Math.Max(1, groups),6:P1} {extras,6} | {nofaceFaces,5} ({nofaceRecognizable}) | {noSubject,4} | {genuine.Count,7} {impostor.Count,8} | "
            + $"{tar1,6:P1} ({thr1:F3}) {tar01,6:P1} ({thr01:F3}) | {eer,5:P1} ({eerThr:F3}) | {Q(genuine, 0.05):F3}/{Q(genuine, 0.5):F3} {Q(impostor, 0.5):F3}/{Q(impostor, 0.95):F3}/{(impostor.Count > 0 ? impostor.Max() : double.NaN):F3} | {msPerPhoto:F0}");
        if (verbose)
        {
            Console.WriteLine("  genuine scores:  " + string.Join(" ", genuine.Order().Select(g => g.ToString("F2", CultureInfo.InvariantCulture))));
            Console.WriteLine("  impostor top 20: " + string.Join(" ", impostor.OrderDescending().Take(20).Select(g => g.ToString("F2", CultureInfo.InvariantCulture))));
            var t = FaceMatchThresholds.For(embedder);
            if (t.Scoring == FaceScoring.Raw)
            {
                Console.WriteLine($"  at match {t.Match}: TAR {genuine.Count(g => g >= t.Match) / (double)Math.Max(1, genuine.Count):P1}, FAR {impostor.Count(g => g >= t.Match) / (double)Math.Max(1, impostor.Count):P2}; "
                    + $"at review {t.Review}: TAR {genuine.Count(g => g >= t.Review) / (double)Math.Max(1, genuine.Count):P1}, FAR {impostor.Count(g => g >= t.Review) / (double)Math.Max(1, impostor.Count):P2}");
            }
        }

        Matcher(embedder, entries, subjects, enrolled);
        return enrolled.ToDictionary(kv => kv.Key, kv => subjects[kv.Value.Path]);
    }

    /// <summary>
    /// The face rule's matcher at the embedder's measured thresholds: every identity enrolled from
    /// one photo; each other photo is a probe against everyone (found = match) and against everyone
    /// but its own person (a false match or a review for somebody else).
    /// </summary>
    private static void Matcher(FaceEmbedderKind embedder, List<Entry> entries, Dictionary<string, float[]> subjects, Dictionary<string, Entry> enrolled)
    {
        var matcher = new Kusd.Moderation.Faces.FaceMatcher(FaceMatchThresholds.For(embedder));
        var ids = enrolled.Keys.ToList();
        var vectors = ids.Select(id => subjects[enrolled[id].Path]).ToList();
        var dimension = vectors[0].Length;
        var all = new Kusd.Moderation.Faces.FaceTemplateSet("eval", dimension, ids, vectors);
        int probes = 0, matched = 0, flagged = 0, falseMatch = 0, falseFlag = 0;
        var ownScores = new List<double>();
        var otherScores = new List<double>();
        foreach (var e in entries.Where(e => subjects.ContainsKey(e.Path) && enrolled.ContainsKey(e.Identity) && enrolled[e.Identity].Path != e.Path))
        {
            probes++;
            var own = matcher.Match(subjects[e.Path], all);
            matched += own.Decision == Kusd.Moderation.Faces.FaceDecision.Match ? 1 : 0;
            flagged += own.Decision != Kusd.Moderation.Faces.FaceDecision.None ? 1 : 0;
            var others = matcher.Match(subjects[e.Path], all, ids.Where(id => id != e.Identity).ToHashSet());
            falseMatch += others.Decision == Kusd.Moderation.Faces.FaceDecision.Match ? 1 : 0;
            falseFlag += others.Decision != Kusd.Moderation.Faces.FaceDecision.None ? 1 : 0;
            ownScores.Add(own.Score);
            otherScores.Add(others.Score);
        }

        var t = matcher.Thresholds;
        Console.WriteLine($"  matcher ({t.Scoring}, match {t.Match}, review {t.Review}), {ids.Count} enrolled from one photo, {probes} probes: "
            + $"matched {matched / (double)Math.Max(1, probes):P1}, flagged {flagged / (double)Math.Max(1, probes):P1}; "
            + $"with their own person left out: false match {falseMatch / (double)Math.Max(1, probes):P1}, flagged {falseFlag / (double)Math.Max(1, probes):P1}");
        if (t.Scoring == FaceScoring.Centered)
        {
            // The centred score moves with the roster, so the match threshold is shown as a sweep: the adults' side of FusedMatch's evidence.
            Console.WriteLine("  by match threshold (matched / false match): " + string.Join(", ", new[] { 0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16 }.Select(m =>
                $"{m:F2} {ownScores.Count(s => s >= m)}/{probes} {otherScores.Count(s => s >= m)}/{probes}")));
        }
    }

    /// <summary>
    /// Small faces in a large photo, as in a class picture: the group photos are shrunk until their
    /// median face is N pixels and laid out on one 4032x3024 (12 MP) canvas; all their faces must be found.
    /// </summary>
    private static void SmallFaces(FaceAnalyzer analyzer, List<Entry> entries, Dictionary<string, byte[]> bytes, Dictionary<string, FaceAnalysis> results)
    {
        var groups = entries.Where(e => e.Identity.StartsWith("group:", StringComparison.Ordinal) && results.ContainsKey(e.Path) && results[e.Path].Faces.Count > 0).ToList();
        var expected = groups.Sum(e => int.Parse(e.Identity["group:".Length..], CultureInfo.InvariantCulture));
        foreach (var size in new[] { 24, 32, 48 })
        {
            using var canvas = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(4032, 3024, new SixLabors.ImageSharp.PixelFormats.Rgb24(128, 128, 128));
            for (var i = 0; i < groups.Count; i++)
            {
                var median = Program.Median(results[groups[i].Path].Faces.Select(f => (double)Math.Min(f.Box.Width, f.Box.Height)));
                using var photo = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(bytes[groups[i].Path]);
                photo.Mutate(x => x.Resize((int)(photo.Width * size / median), (int)(photo.Height * size / median)));
                var cellX = (i % 3) * 1344;
                var cellY = (i / 3) * 1512;
                canvas.Mutate(x => x.DrawImage(photo, new Point(cellX + ((1344 - photo.Width) / 2), cellY + ((1512 - photo.Height) / 2)), 1f));
            }

            using var stream = new MemoryStream();
            canvas.SaveAsPng(stream);
            var watch = Stopwatch.StartNew();
            var analysis = analyzer.Analyze(stream.ToArray());
            Console.WriteLine($"  12 MP collage, median face {size} px: found {analysis.Faces.Count} of {expected} ({Math.Min(analysis.Faces.Count, expected) / (double)expected:P0}), "
                + $"{analysis.Faces.Count(f => f.Quality.IsRecognizable)} recognisable, {watch.ElapsedMilliseconds} ms ("
                + string.Join(", ", analysis.TimingsMs.Select(t => $"{t.Key} {t.Value:F0}")) + ")");
        }
    }

    /// <summary>
    /// How small a face can be and still match: each probe photo is shrunk until its subject's
    /// face is N pixels on its short side, then matched against the full-size enrolment.
    /// </summary>
    private static void FaceSizes(FaceDetectorKind detector, FaceEmbedderKind embedder, List<Entry> entries, Dictionary<string, byte[]> bytes, Dictionary<string, FaceAnalysis> results, Dictionary<string, float[]> enrolled)
    {
        using var analyzer = new FaceAnalyzer(new FaceOptions { Detector = detector, Embedder = embedder, MinRecognizableFacePixels = 1, MinFacePixels = 12 });
        Console.WriteLine($"  face size (short side px) | probes | found | genuine median | TAR@match {FaceMatchThresholds.Match} | TAR@review {FaceMatchThresholds.Review} | impostor >= review");
        foreach (var size in new[] { 16, 24, 32, 40, 48, 64 })
        {
            int probes = 0, found = 0, impostorsOverReview = 0;
            var genuine = new List<double>();
            foreach (var e in entries.Where(e => enrolled.ContainsKey(e.Identity)))
            {
                var subject = results.TryGetValue(e.Path, out var r) ? r.Faces.Where(f => f.Embedding is not null).MaxBy(f => f.Box.Area) : null;
                if (subject is null || Math.Min(subject.Box.Width, subject.Box.Height) <= size)
                {
                    continue;
                }

                probes++;
                var factor = size / Math.Min(subject.Box.Width, subject.Box.Height);
                using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(bytes[e.Path]);
                image.Mutate(x => x.Resize(Math.Max(1, (int)(image.Width * factor)), Math.Max(1, (int)(image.Height * factor))));
                using var stream = new MemoryStream();
                image.SaveAsPng(stream);
                var small = analyzer.Analyze(stream.ToArray()).Faces.Where(f => f.Embedding is not null).MaxBy(f => f.Box.Area);
                if (small?.Embedding is null)
                {
                    continue;
                }

                found++;
                genuine.Add(Dot(small.Embedding, enrolled[e.Identity]));
                impostorsOverReview += enrolled.Count(kv => kv.Key != e.Identity && Dot(small.Embedding, kv.Value) >= FaceMatchThresholds.Review);
            }

            Console.WriteLine($"  {size,4} | {probes,4} | {found,4} | {Q(genuine, 0.5),6:F3} | {genuine.Count(g => g >= FaceMatchThresholds.Match) / (double)Math.Max(1, probes),6:P1} | {genuine.Count(g => g >= FaceMatchThresholds.Review) / (double)Math.Max(1, probes),6:P1} | {impostorsOverReview}");
        }
    }

    private static string Describe(FaceAnalysis? r) => r is null
        ? "rejected"
        : string.Join(" ", r.Faces.Select(f => $"[{f.Box.X:F0},{f.Box.Y:F0} {f.Box.Width:F0}x{f.Box.Height:F0} s={f.DetectionScore:F2} yaw={f.Quality.YawDegrees:F0} sharp={f.Quality.Sharpness:F0} {(f.Quality.IsRecognizable ? "ok" : f.Quality.Reason)}]"));

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double Q(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
    }

    /// <summary>The lowest threshold whose false accept rate is at most the target, and the genuine rate there.</summary>
    private static (double Tar, double Threshold) TarAtFar(List<double> genuine, List<double> impostor, double far)
    {
        if (genuine.Count == 0 || impostor.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var sorted = impostor.OrderByDescending(v => v).ToArray();
        var allowed = (int)Math.Floor(far * sorted.Length);
        // Strictly above the (allowed+1)-th highest impostor score.
        var threshold = sorted[Math.Min(allowed, sorted.Length - 1)] + 1e-6;
        return (genuine.Count(g => g >= threshold) / (double)genuine.Count, threshold);
    }

    private static (double Eer, double Threshold) Eer(List<double> genuine, List<double> impostor)
    {
        if (genuine.Count == 0 || impostor.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var best = (Gap: double.MaxValue, Rate: double.NaN, Thr: double.NaN);
        foreach (var t in genuine.Concat(impostor).Order())
        {
            var frr = genuine.Count(g => g < t) / (double)genuine.Count;
            var far = impostor.Count(i => i >= t) / (double)impostor.Count;
            if (Math.Abs(frr - far) < best.Gap)
            {
                best = (Math.Abs(frr - far), (frr + far) / 2, t);
            }
        }

        return (best.Rate, best.Thr);
    }
}
