using System.Numerics;
using System.Runtime.InteropServices;

namespace Kusd.Moderation.Evaluation;

/// <summary>
/// <c>children DIR [--cache DIR]</c>: the face matcher on children (and on the same people as
/// adults), duplicates removed. DIR is what <c>tests/Evaluation/fetch-children.sh</c> writes (LAG
/// identities n..z, UTKFace children 4-17). Prints pairwise TAR at FAR 1% and 0.1%, the roster
/// simulation (about 60 enrolled, the other half and UTKFace as everyone else, taking turns) and
/// per-photo FAR at 10, 30, 100 and 1,000 enrolled children.
/// </summary>
internal static class ChildrenEvaluation
{
    /// <summary>Photos of one person whose mean-removed grey pixels have this cosine are one picture re-cropped.</summary>
    private const double DuplicateCosine = 0.9;

    /// <summary>A way to turn a photo's embeddings into one vector compared by dot product.</summary>
    private sealed record Method(string Name, string[] Uses, Func<ChildPhoto, float[]> Vector);

    public static int Run(string root, string cacheDir, bool verbose)
    {
        if (!File.Exists(Path.Combine(root, "MANIFEST.tsv")))
        {
            Console.Error.WriteLine($"error: children's set missing: {Path.Combine(root, "MANIFEST.tsv")} not found (tests/Evaluation/fetch-children.sh fetches it)");
            return Program.ExitMissingData;
        }

        var all = ChildrenData.Load(root, cacheDir);
        var (photos, duplicates, samePairs) = RemoveDuplicates(all);
        Console.WriteLine($"set: {all.Count} photos ({all.Count(p => p.IsLag && p.Group == "child")} LAG child, {all.Count(p => p.IsLag && p.Group == "adult")} LAG adult, identities n..z; "
            + $"{all.Count(p => !p.IsLag)} UTKFace children 4-17); face found {all.Count(p => p.Found)}, recognisable {all.Count(p => p.Recognizable)}; "
            + $"near-duplicates removed: {duplicates} photos ({duplicates / (double)Math.Max(1, samePairs):P0} of {samePairs} same-person pairs)");

        var children = photos.Where(p => p.Group == "child").ToList();
        var adults = photos.Where(p => p.Group == "adult").ToList();
        var methods = Methods(children);
        Console.WriteLine();
        Console.WriteLine("Pairwise, recognisable faces, duplicates removed (children: LAG young photos + UTKFace; adults: LAG adult photos of the same people)");
        Console.WriteLine("method                | children TAR@FAR1% TAR@FAR0.1% EER  (genuine/impostor pairs, impostor p50) | adults TAR@FAR1% TAR@FAR0.1% EER | ms/face");
        foreach (var m in methods)
        {
            var c = Pairwise(children, m);
            var a = Pairwise(adults, m);
            Console.WriteLine($"{m.Name,-21} | {c.Tar1,7:P1} {c.Tar01,7:P1} {c.Eer,6:P1} ({c.Genuine}/{c.Impostor}, {c.ImpostorMedian:F3}) | {a.Tar1,7:P1} {a.Tar01,7:P1} {a.Eer,6:P1} | {Cost(all, m):F0}");
        }

        Console.WriteLine();
        Console.WriteLine("Roster: half the LAG people with 2+ photos enrolled from K photos (max over templates), the rest and UTKFace are everyone else; halves swap.");
        Console.WriteLine("Probes of enrolled people include photos with no face found (a miss) or an unrecognisable face (review only).");
        Console.WriteLine("Flagged = match + review + unrecognisable. Thresholds chosen on this set: match at per-photo FAR <= 1% (and 2%), review where <= 10% of everyone else is flagged.");
        Console.WriteLine("group    method                K score | enrolled probes others | TAR@FAR1% (thr) TAR@FAR2% (thr) | review thr: flagged enrolled / others");
        foreach (var (group, set) in new[] { ("children", children), ("adults", adults) })
        {
            foreach (var m in methods)
            {
                foreach (var k in new[] { 1, 3 })
                {
                    foreach (var mode in Enum.GetValues<Scoring>())
                    {
                        var r = Roster(set, m, k, mode);
                        Console.WriteLine($"{group,-8} {m.Name,-21} {k} {mode,-6} | {r.Enrolled,8} {r.Probes,6} {r.Others,6} | {r.Tar1,7:P1} ({r.Thr1:F3}) {r.Tar2,7:P1} ({r.Thr2:F3}) | {r.ReviewThr:F3}: {r.FlaggedEnrolled,6:P1} / {r.FlaggedOthers,5:P1}");
                    }
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("The face rule's matcher (FaceMatcher) at each embedder's thresholds (FaceMatchThresholds.For), same roster simulation:");
        Console.WriteLine("embedder group    K | enrolled probes others | matched  flagged (enrolled) | matched  flagged (everyone else)");
        var fused = methods.Single(x => x.Name == "fusion");
        var thresholds = Models.Faces.FaceMatchThresholds.For(Models.Faces.FaceEmbedderKind.Fused);
        foreach (var (kind, method) in new[] { (Models.Faces.FaceEmbedderKind.ArcFace, methods[0]), (Models.Faces.FaceEmbedderKind.Fused, fused) })
        {
            foreach (var (group, set) in new[] { ("children", children), ("adults", adults) })
            {
                foreach (var k in new[] { 1, 2, 3 })
                {
                    var r = Production(set, method, k, Models.Faces.FaceMatchThresholds.For(kind));
                    Console.WriteLine($"{kind,-8} {group,-8} {k} | {r.Enrolled,8} {r.Probes,6} {r.Others,6} | {r.Matched,7:P1} {r.Flagged,7:P1} | {r.OthersMatched,7:P1} {r.OthersFlagged,7:P1}");
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"The fused matcher by match threshold (one enrolment photo; review at {thresholds.Review} or the match threshold if lower): the evidence for FaceMatchThresholds.FusedMatch.");
        Console.WriteLine("match thr | children: matched  flagged | others matched  flagged | adults: matched  flagged | others matched  flagged");
        foreach (var match in new[] { 0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16 })
        {
            var at = thresholds with { Match = match, Review = Math.Min(thresholds.Review, match) };
            var c = Production(children, fused, 1, at);
            var a = Production(adults, fused, 1, at);
            Console.WriteLine($"{match,9:F2} | {c.Matched,17:P1} {c.Flagged,8:P1} | {c.OthersMatched,14:P2} {c.OthersFlagged,8:P1} | {a.Matched,15:P1} {a.Flagged,8:P1} | {a.OthersMatched,14:P2} {a.OthersFlagged,8:P1}");
        }

        QualityThresholds(children, fused, thresholds);

        Console.WriteLine();
        Console.WriteLine("The matcher's per-photo FAR (match / flagged) by number of enrolled children compared, fused embedder, one enrolment photo each, 5 draws:");
        Console.WriteLine("  " + string.Join(" | ", new[] { 10, 30, 100, 1000 }.Select(n =>
        {
            var x = SweepMatcher(children, fused, n, thresholds, n);
            return $"N={n}: {x.Match:P2} / {x.Flagged:P1}";
        })));
        Console.WriteLine("Scoped: a district roster of 1,000 children is the cohort, each photo compared with N of them (its schools):");
        Console.WriteLine("  " + string.Join(" | ", new[] { 10, 30, 100, 1000 }.Select(n =>
        {
            var x = SweepMatcher(children, fused, 1000, thresholds, n);
            return $"N={n}: {x.Match:P2} / {x.Flagged:P1}";
        })));

        Console.WriteLine();
        Console.WriteLine("Per-photo FAR by number of enrolled children compared (one enrolment photo each, LAG + UTKFace children; 5 random draws; everyone else's recognisable photos as probes),");
        Console.WriteLine("at the thresholds the children's roster run chose for FAR 1% (match) and 10% flagged (review); the cohort of the normalised scores is the compared set.");
        Console.WriteLine("method                score  | match thr review thr | N=10 match/flagged | N=30 | N=100 | N=1000");
        foreach (var (name, mode) in new[] { ("arcface", Scoring.Max), ("arcface", Scoring.Center), ("arcface", Scoring.TNorm), ("fusion", Scoring.Max), ("fusion", Scoring.Center), ("fusion", Scoring.TNorm), ("fusion", Scoring.SNorm) })
        {
            var m = methods.Single(x => x.Name == name);
            var r = Roster(children, m, 1, mode);
            var cells = new[] { 10, 30, 100, 1000 }.Select(n => Sweep(children, m, mode, n, r.Thr1, r.ReviewThr)).Select(x => $"{x.Match,6:P2} / {x.Flagged,6:P1}");
            Console.WriteLine($"{name,-21} {mode,-6} | {r.Thr1,9:F3} {r.ReviewThr,10:F3} | " + string.Join(" | ", cells));
        }

        return Program.ExitOk;
    }

    private sealed record ProductionResult(int Enrolled, int Probes, int Others, double Matched, double Flagged, double OthersMatched, double OthersFlagged);

    /// <summary>The roster simulation through <see cref="Faces.FaceMatcher"/>, as the face rule runs it.</summary>
    private static ProductionResult Production(List<ChildPhoto> set, Method m, int k, Models.Faces.FaceThresholdSet thresholds)
    {
        var matcher = new Faces.FaceMatcher(thresholds);
        var eligible = set.Where(p => p.IsLag).GroupBy(p => p.Identity).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Where(g => g.Count() >= 2 && g.Any(p => p.Recognizable)).ToList();
        int enrolledCount = 0, probes = 0, matched = 0, flagged = 0, others = 0, othersMatched = 0, othersFlagged = 0;
        for (var turn = 0; turn < 2; turn++)
        {
            var enrolled = eligible.Where((g, i) => i % 2 == turn).ToList();
            enrolledCount += enrolled.Count;
            var ids = new List<string>();
            var vectors = new List<float[]>();
            var probePhotos = new List<ChildPhoto>();
            foreach (var g in enrolled)
            {
                var photos = g.ToList();
                var templates = photos.Where(p => p.Recognizable).Take(Math.Min(k, photos.Count - 1)).ToList();
                ids.AddRange(templates.Select(_ => g.Key));
                vectors.AddRange(templates.Select(m.Vector));
                probePhotos.AddRange(photos.Except(templates));
            }

            var templateSet = new Faces.FaceTemplateSet("eval", vectors[0].Length, ids, vectors);
            foreach (var p in probePhotos)
            {
                probes++;
                if (!p.Found)
                {
                    continue;
                }

                var d = p.Recognizable ? matcher.Match(m.Vector(p), templateSet).Decision : Faces.FaceDecision.Review;
                matched += d == Faces.FaceDecision.Match ? 1 : 0;
                flagged += d != Faces.FaceDecision.None ? 1 : 0;
            }

            var enrolledIds = enrolled.Select(g => g.Key).ToHashSet();
            foreach (var p in set.Where(p => !enrolledIds.Contains(p.Identity) && p.Found))
            {
                others++;
                var d = p.Recognizable ? matcher.Match(m.Vector(p), templateSet).Decision : Faces.FaceDecision.Review;
                othersMatched += d == Faces.FaceDecision.Match ? 1 : 0;
                othersFlagged += d != Faces.FaceDecision.None ? 1 : 0;
            }
        }

        return new ProductionResult(enrolledCount / 2, probes / 2, others / 2, matched / (double)probes, flagged / (double)probes, othersMatched / (double)others, othersFlagged / (double)others);
    }

    /// <summary>
    /// Per-quality thresholds: the fused matcher's scores split by the probe's sharpness (terciles of
    /// all children's photos); each tercile gets the threshold that gives it per-photo FAR 1%, so the
    /// overall FAR stays 1%. Prints whether that finds more restricted children than one threshold.
    /// </summary>
    private static void QualityThresholds(List<ChildPhoto> children, Method m, Models.Faces.FaceThresholdSet thresholds)
    {
        var matcher = new Faces.FaceMatcher(thresholds);
        var sharp = children.Where(p => p.Recognizable).Select(p => (double)p.Sharpness).Order().ToArray();
        double[] cuts = [sharp[sharp.Length / 3], sharp[2 * sharp.Length / 3]];
        int Bucket(ChildPhoto p) => p.Sharpness < cuts[0] ? 0 : p.Sharpness < cuts[1] ? 1 : 2;
        var eligible = children.Where(p => p.IsLag).GroupBy(p => p.Identity).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Where(g => g.Count() >= 2 && g.Any(p => p.Recognizable)).ToList();
        var genuine = new List<(int Bucket, double Score)>();
        var others = new List<(int Bucket, double Score)>();
        var probeCount = 0;
        for (var turn = 0; turn < 2; turn++)
        {
            var enrolled = eligible.Where((g, i) => i % 2 == turn).ToList();
            var ids = new List<string>();
            var vectors = new List<float[]>();
            var probes = new List<ChildPhoto>();
            foreach (var g in enrolled)
            {
                var photos = g.ToList();
                var template = photos.First(p => p.Recognizable);
                ids.Add(g.Key);
                vectors.Add(m.Vector(template));
                probes.AddRange(photos.Where(p => p != template));
            }

            var set = new Faces.FaceTemplateSet("eval", vectors[0].Length, ids, vectors);
            probeCount += probes.Count;
            genuine.AddRange(probes.Where(p => p.Recognizable).Select(p => (Bucket(p), matcher.Match(m.Vector(p), set).Score)));
            var enrolledIds = enrolled.Select(g => g.Key).ToHashSet();
            foreach (var p in children.Where(p => !enrolledIds.Contains(p.Identity) && p.Recognizable))
            {
                others.Add((Bucket(p), matcher.Match(m.Vector(p), set).Score));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Per-quality thresholds (fused, centred, one enrolment photo; sharpness terciles cut at {cuts[0]:F0} and {cuts[1]:F0}):");
        var found = 0;
        for (var b = 0; b < 3; b++)
        {
            var o = others.Where(x => x.Bucket == b).Select(x => x.Score).OrderDescending().ToArray();
            var thr = o[Math.Min(o.Length - 1, (int)Math.Floor(0.01 * o.Length))] + 1e-6;
            var g = genuine.Where(x => x.Bucket == b).Select(x => x.Score).ToList();
            found += g.Count(x => x >= thr);
            Console.WriteLine($"  tercile {b + 1}: {g.Count} probes, {o.Length} others; others' score p50 {o[o.Length / 2]:F3}; threshold for FAR 1% {thr:F3}; found {g.Count(x => x >= thr)} ({g.Count(x => x >= thresholds.Match)} at the single threshold {thresholds.Match})");
        }

        Console.WriteLine($"  found with per-tercile thresholds {found / (double)probeCount:P1} of {probeCount} probes; with one threshold {genuine.Count(x => x.Score >= thresholds.Match) / (double)probeCount:P1}");
    }

    private static (double Match, double Flagged) SweepMatcher(List<ChildPhoto> set, Method m, int n, Models.Faces.FaceThresholdSet thresholds, int compared)
    {
        var matcher = new Faces.FaceMatcher(thresholds);
        var byIdentity = set.Where(p => p.Recognizable).GroupBy(p => p.Identity).Select(g => g.ToList()).ToList();
        int probes = 0, matched = 0, flagged = 0;
        for (var draw = 0; draw < 5; draw++)
        {
            var random = new Random(11 + draw);
            var order = byIdentity.OrderBy(_ => random.Next()).ToList();
            var enrolled = order.Take(n).ToList();
            var templateSet = new Faces.FaceTemplateSet("eval", m.Vector(enrolled[0][0]).Length, enrolled.Select(g => g[0].Identity).ToList(), enrolled.Select(g => m.Vector(g[0])).ToList());
            var candidates = compared < n ? enrolled.Take(compared).Select(g => g[0].Identity).ToHashSet() : null;
            foreach (var p in order.Skip(n).SelectMany(g => g))
            {
                var d = matcher.Match(m.Vector(p), templateSet, candidates).Decision;
                probes++;
                matched += d == Faces.FaceDecision.Match ? 1 : 0;
                flagged += d != Faces.FaceDecision.None ? 1 : 0;
            }
        }

        return (matched / (double)probes, flagged / (double)probes);
    }

    private static (double Match, double Flagged) Sweep(List<ChildPhoto> set, Method m, Scoring mode, int n, double match, double review)
    {
        var byIdentity = set.Where(p => p.Recognizable).GroupBy(p => p.Identity).Select(g => g.ToList()).ToList();
        int probes = 0, matched = 0, flagged = 0;
        for (var draw = 0; draw < 5; draw++)
        {
            var random = new Random(11 + draw);
            var order = byIdentity.OrderBy(_ => random.Next()).ToList();
            var enrolled = order.Take(n).Select(g => new Person(g[0].Identity, [m.Vector(g[0])])).ToList();
            Cohort(enrolled);
            foreach (var g in order.Skip(n))
            {
                foreach (var p in g)
                {
                    var score = Best(m.Vector(p), enrolled, mode).Score;
                    probes++;
                    matched += score >= match ? 1 : 0;
                    flagged += score >= review ? 1 : 0;
                }
            }
        }

        return (matched / (double)probes, flagged / (double)probes);
    }

    private static List<Method> Methods(List<ChildPhoto> children)
    {
        float[] Get(ChildPhoto p, string v) => p.Embeddings[v];
        float[] Flip(ChildPhoto p, string v) => Normalize(Add(p.Embeddings[v], p.Embeddings[v + "-flip"]));
        var arcFlip = new Method("arcface+flip", ["arcface", "arcface-flip"], p => Flip(p, "arcface"));
        var dlibFlip = new Method("dlib+flip", ["dlib", "dlib-flip"], p => Flip(p, "dlib"));
        var methods = new List<Method>
        {
            new("arcface", ["arcface"], p => Get(p, "arcface")),
            arcFlip,
            new("arcface-wide", ["arcface-wide"], p => Get(p, "arcface-wide")),
            new("dlib", ["dlib"], p => Get(p, "dlib")),
            dlibFlip,
        };

        // Score fusion as one vector: [wa*a, wd*d] has dot product wa^2 sa + wd^2 sd. Weights inversely
        // proportional to each model's impostor spread on children put both scores on one scale (z-scores).
        var sa = ImpostorStd(children, arcFlip);
        var sd = ImpostorStd(children, dlibFlip);
        var wa2 = (1 / sa) / ((1 / sa) + (1 / sd));
        Console.WriteLine($"fusion weights (children's impostor std arcface+flip {sa:F4}, dlib+flip {sd:F4}): arcface {wa2:F3}, dlib {1 - wa2:F3}; the fused embedder uses {Models.Faces.FusedEmbedder.ArcFaceShare}");
        wa2 = Models.Faces.FusedEmbedder.ArcFaceShare;
        methods.Add(new("fusion", ["arcface", "arcface-flip", "dlib", "dlib-flip"], p => Concat(arcFlip.Vector(p), dlibFlip.Vector(p), (float)Math.Sqrt(wa2))));
        methods.Add(new("fusion-noflip", ["arcface", "dlib"], p => Concat(Get(p, "arcface"), Get(p, "dlib"), (float)Math.Sqrt(wa2))));
        if (children.All(p => !p.Found || p.Embeddings.ContainsKey("mobilefacenet")))
        {
            var mobileFlip = new Method("mobilefacenet+flip", ["mobilefacenet", "mobilefacenet-flip"], p => Flip(p, "mobilefacenet"));
            methods.Add(new("mobilefacenet", ["mobilefacenet"], p => Get(p, "mobilefacenet")));
            methods.Add(mobileFlip);
            // Its embeddings share one dominant direction (cosine ~1 between anyone): remove the mean first.
            var found = children.Where(p => p.Found).ToList();
            var mean = new float[found[0].Embeddings["mobilefacenet"].Length];
            foreach (var p in found)
            {
                var v = p.Embeddings["mobilefacenet"];
                for (var i = 0; i < mean.Length; i++)
                {
                    mean[i] += v[i] / found.Count;
                }
            }

            methods.Add(new("mobilefacenet-centred", ["mobilefacenet"], p => Normalize(p.Embeddings["mobilefacenet"].Select((x, i) => x - mean[i]).ToArray())));
            var sm = ImpostorStd(children, mobileFlip);
            var total = (1 / sa) + (1 / sd) + (1 / sm);
            var (a3, d3, m3) = ((float)Math.Sqrt(1 / sa / total), (float)Math.Sqrt(1 / sd / total), (float)Math.Sqrt(1 / sm / total));
            Console.WriteLine($"three-way fusion shares: arcface {a3 * a3:F3}, dlib {d3 * d3:F3}, mobilefacenet {m3 * m3:F3}");
            methods.Add(new("fusion3", ["arcface", "arcface-flip", "dlib", "dlib-flip", "mobilefacenet", "mobilefacenet-flip"],
                p => arcFlip.Vector(p).Select(x => x * a3).Concat(dlibFlip.Vector(p).Select(x => x * d3)).Concat(mobileFlip.Vector(p).Select(x => x * m3)).ToArray()));
        }

        return methods;
    }

    private static double ImpostorStd(List<ChildPhoto> set, Method m)
    {
        var usable = set.Where(p => p.Recognizable).Take(600).Select(p => (p.Identity, V: m.Vector(p))).ToList();
        var scores = new List<double>();
        for (var i = 0; i < usable.Count; i++)
        {
            for (var j = i + 1; j < usable.Count; j++)
            {
                if (usable[i].Identity != usable[j].Identity)
                {
                    scores.Add(Dot(usable[i].V, usable[j].V));
                }
            }
        }

        var mean = scores.Average();
        Console.WriteLine($"{m.Name}: children's impostor similarity mean {mean:F3} over {scores.Count} pairs");
        return Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / scores.Count);
    }

    private static double Cost(List<ChildPhoto> all, Method m)
    {
        var found = all.Where(p => p.Found).ToList();
        return found.Average(p => p.SharedMs) + m.Uses.Sum(u => found.Average(p => p.EmbedMs[u]));
    }

    private static (List<ChildPhoto> Kept, int Removed, int SamePairs) RemoveDuplicates(List<ChildPhoto> all)
    {
        var kept = new List<ChildPhoto>();
        int removed = 0, pairs = 0;
        foreach (var group in all.GroupBy(p => (p.Identity, p.Group)))
        {
            var mine = new List<ChildPhoto>();
            var list = group.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    pairs++;
                }
            }

            foreach (var p in list)
            {
                if (p.Found && mine.Any(k => k.Found && Dot(k.Grey, p.Grey) > DuplicateCosine))
                {
                    removed++;
                    continue;
                }

                mine.Add(p);
            }

            kept.AddRange(mine);
        }

        return (kept, removed, pairs);
    }

    private sealed record PairwiseResult(double Tar1, double Tar01, double Eer, int Genuine, int Impostor, double ImpostorMedian);

    private static PairwiseResult Pairwise(List<ChildPhoto> set, Method m)
    {
        var usable = set.Where(p => p.Recognizable).Select(p => (p.Identity, p.IsLag, V: m.Vector(p))).ToList();
        var genuine = new List<double>();
        var impostor = new List<double>();
        for (var i = 0; i < usable.Count; i++)
        {
            for (var j = i + 1; j < usable.Count; j++)
            {
                if (!usable[i].IsLag && !usable[j].IsLag && (i + j) % 4 != 0)
                {
                    continue; // UTKFace against UTKFace: a quarter of the pairs is plenty.
                }

                (usable[i].Identity == usable[j].Identity ? genuine : impostor).Add(Dot(usable[i].V, usable[j].V));
            }
        }

        var sortedImpostor = impostor.ToArray();
        Array.Sort(sortedImpostor);
        return new PairwiseResult(TarAt(genuine, sortedImpostor, 0.01).Tar, TarAt(genuine, sortedImpostor, 0.001).Tar, Eer(genuine, sortedImpostor), genuine.Count, impostor.Count, sortedImpostor[sortedImpostor.Length / 2]);
    }

    private sealed record RosterResult(int Enrolled, int Probes, int Others, double Tar1, double Thr1, double Tar2, double Thr2, double ReviewThr, double FlaggedEnrolled, double FlaggedOthers);

    /// <summary>
    /// The roster simulation. Every probe gets the best score over the enrolled people (each
    /// person's score is the best over their templates); with <paramref name="tnorm"/> that score is
    /// a z-score against the probe's scores with the other enrolled people (test normalisation: a
    /// probe that resembles everyone is not a match for anyone).
    /// </summary>
    private static RosterResult Roster(List<ChildPhoto> set, Method m, int k, Scoring mode)
    {
        var lag = set.Where(p => p.IsLag).GroupBy(p => p.Identity).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var eligible = lag.Where(g => g.Count() >= 2 && g.Any(p => p.Recognizable)).ToList();
        var vectors = set.Where(p => p.Found).ToDictionary(p => p.Path, m.Vector);
        var genuine = new List<double>(); // best score of an enrolled person's probe with their own templates competing (NaN: no face)
        var genuineUnrecognizable = 0;
        var genuineNoFace = 0;
        var others = new List<double>();
        var othersUnrecognizable = 0;
        var enrolledCount = 0;
        for (var turn = 0; turn < 2; turn++)
        {
            var enrolled = eligible.Where((g, i) => i % 2 == turn).ToList();
            enrolledCount += enrolled.Count;
            var enrolledIds = enrolled.Select(g => g.Key).ToHashSet();
            var persons = new List<Person>();
            var probes = new List<(string Id, ChildPhoto Photo)>();
            foreach (var g in enrolled)
            {
                var photos = g.ToList();
                var templates = photos.Where(p => p.Recognizable).Take(Math.Min(k, photos.Count - 1)).ToList();
                persons.Add(new Person(g.Key, templates.Select(p => vectors[p.Path]).ToList()));
                probes.AddRange(photos.Except(templates).Select(p => (g.Key, p)));
            }

            Cohort(persons);
            foreach (var (_, photo) in probes)
            {
                if (!photo.Found)
                {
                    genuineNoFace++;
                }
                else if (!photo.Recognizable)
                {
                    genuineUnrecognizable++;
                }
                else
                {
                    genuine.Add(Best(vectors[photo.Path], persons, mode).Score);
                }
            }

            foreach (var photo in set.Where(p => !enrolledIds.Contains(p.Identity) && p.Found))
            {
                if (!photo.Recognizable)
                {
                    othersUnrecognizable++;
                    continue;
                }

                others.Add(Best(vectors[photo.Path], persons, mode).Score);
            }
        }

        var probeCount = genuine.Count + genuineUnrecognizable + genuineNoFace;
        var othersCount = others.Count + othersUnrecognizable;
        var sorted = others.ToArray();
        Array.Sort(sorted);
        double TarAtFarPerPhoto(double far, out double thr)
        {
            // Per-photo FAR counts all of everyone else's photos (the unrecognisable ones never match).
            var allowed = (int)Math.Floor(far * othersCount);
            thr = sorted[Math.Max(0, sorted.Length - 1 - allowed)] + 1e-6;
            var t = thr;
            return genuine.Count(g => g >= t) / (double)probeCount;
        }

        var tar1 = TarAtFarPerPhoto(0.01, out var thr1);
        var tar2 = TarAtFarPerPhoto(0.02, out var thr2);
        // Review: everyone else's unrecognisable photos are flagged anyway; the rest of the 10% budget goes to scores.
        var budget = (int)Math.Floor((0.10 * othersCount) - othersUnrecognizable);
        var reviewThr = budget <= 0 ? double.PositiveInfinity : sorted[Math.Max(0, sorted.Length - budget)] + 1e-6;
        reviewThr = Math.Min(reviewThr, thr1);
        var flaggedEnrolled = (genuine.Count(g => g >= reviewThr) + genuineUnrecognizable) / (double)probeCount;
        var flaggedOthers = (others.Count(o => o >= reviewThr) + othersUnrecognizable) / (double)othersCount;
        return new RosterResult(enrolledCount / 2, probeCount / 2, othersCount / 2, tar1, thr1, tar2, thr2, reviewThr, flaggedEnrolled, flaggedOthers);
    }

    /// <summary>How a probe's scores with the enrolled people become one decision score.</summary>
    internal enum Scoring
    {
        /// <summary>The best raw similarity.</summary>
        Max,

        /// <summary>Raw similarity minus the probe's mean similarity with the other enrolled people.</summary>
        Center,

        /// <summary>Test normalisation: z-score against the probe's similarities with the other enrolled people.</summary>
        TNorm,

        /// <summary>Symmetric: mean of the probe-side z-score and the template-side one (the person's similarities with the other enrolled people).</summary>
        SNorm,
    }

    private sealed class Person(string id, List<float[]> templates)
    {
        public string Id { get; } = id;

        public List<float[]> Templates { get; } = templates;

        public double Mean { get; set; }

        public double Std { get; set; } = 1;
    }

    /// <summary>Each person's similarities with every other enrolled person's templates: the template side of S-norm.</summary>
    private static void Cohort(List<Person> persons)
    {
        foreach (var p in persons)
        {
            var scores = persons.Where(o => o != p).SelectMany(o => o.Templates.Select(t => p.Templates.Max(mine => Dot(mine, t)))).ToList();
            p.Mean = scores.Average();
            p.Std = Math.Sqrt(Math.Max(1e-6, scores.Sum(x => (x - p.Mean) * (x - p.Mean)) / scores.Count));
        }
    }

    private static (string? Id, double Score) Best(float[] probe, List<Person> persons, Scoring mode)
    {
        var scores = persons.Select(p => p.Templates.Max(t => Dot(probe, t))).ToArray();
        if (mode == Scoring.Max)
        {
            var bestIndex = Array.IndexOf(scores, scores.Max());
            return (persons[bestIndex].Id, scores[bestIndex]);
        }

        double sum = scores.Sum(), sumSq = scores.Sum(s => s * s);
        var n = scores.Length - 1;
        var best = (Id: (string?)null, Score: double.NegativeInfinity);
        for (var i = 0; i < scores.Length; i++)
        {
            var mean = (sum - scores[i]) / n;
            var std = Math.Sqrt(Math.Max(1e-6, ((sumSq - (scores[i] * scores[i])) / n) - (mean * mean)));
            var score = mode switch
            {
                Scoring.Center => scores[i] - mean,
                Scoring.TNorm => (scores[i] - mean) / std,
                _ => 0.5 * (((scores[i] - mean) / std) + ((scores[i] - persons[i].Mean) / persons[i].Std)),
            };
            if (score > best.Score)
            {
                best = (persons[i].Id, score);
            }
        }

        return best;
    }

    private static (double Tar, double Threshold) TarAt(List<double> genuine, double[] sortedImpostor, double far)
    {
        var allowed = (int)Math.Floor(far * sortedImpostor.Length);
        var threshold = sortedImpostor[Math.Max(0, sortedImpostor.Length - 1 - allowed)] + 1e-6;
        return (genuine.Count(g => g >= threshold) / (double)genuine.Count, threshold);
    }

    private static double Eer(List<double> genuine, double[] sortedImpostor)
    {
        var g = genuine.ToArray();
        Array.Sort(g);
        var best = (Gap: double.MaxValue, Rate: double.NaN);
        for (var i = 0; i < g.Length; i++)
        {
            var t = g[i];
            var frr = i / (double)g.Length;
            var above = sortedImpostor.Length - LowerBound(sortedImpostor, t);
            var far = above / (double)sortedImpostor.Length;
            if (Math.Abs(frr - far) < best.Gap)
            {
                best = (Math.Abs(frr - far), (frr + far) / 2);
            }
        }

        return best.Rate;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    internal static float[] Add(float[] a, float[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    internal static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    internal static float[] Concat(float[] a, float[] b, float wa)
    {
        var wb = MathF.Sqrt(1 - (wa * wa));
        return a.Select(x => x * wa).Concat(b.Select(x => x * wb)).ToArray();
    }

    internal static double Dot(float[] a, float[] b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc = Vector<float>.Zero;
        for (var i = 0; i < va.Length; i++)
        {
            acc += va[i] * vb[i];
        }

        var sum = Vector.Sum(acc);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
