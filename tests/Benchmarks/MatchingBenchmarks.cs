using BenchmarkDotNet.Attributes;
using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Benchmarks;

/// <summary>
/// Matching one face embedding against every template (brute force): the cost per face as the number of
/// restricted students' templates grows. Templates are random unit 512-d vectors, seeded, like ArcFace output.
/// </summary>
public class MatchingBenchmarks
{
    private const int Dimension = 512;
    private const int Probes = 16;
    private EmbeddingIndex _index = null!;
    private float[] _matrix = null!;
    private float[][] _probes = null!;
    private int _next;

    [Params(1_000, 100_000)]
    public int Templates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(4226);
        float[][] templates = [.. Enumerable.Range(0, Templates).Select(_ => RandomUnit(random))];
        _index = new EmbeddingIndex(Dimension, templates);
        _matrix = [.. templates.SelectMany(t => t)];
        _probes = [.. Enumerable.Range(0, Probes).Select(_ => RandomUnit(random))];
    }

    /// <summary>One probe per call, cycling through a few so no single probe stays hot in a register.</summary>
    [Benchmark]
    public (int Index, float Similarity) BestPerProbe() => _index.Best(_probes[_next++ % Probes]);

    /// <summary>The index's first loop (one row at a time), measured under the same load to judge a change.</summary>
    [Benchmark(Baseline = true)]
    public (int Index, float Similarity) RowByRowPerProbe()
    {
        var probe = _probes[_next++ % Probes];
        var bestIndex = -1;
        var best = float.NegativeInfinity;
        for (var row = 0; row < Templates; row++)
        {
            var score = EmbeddingIndex.Dot(_matrix.AsSpan(row * Dimension, Dimension), probe);
            if (score > best)
            {
                (best, bestIndex) = (score, row);
            }
        }

        return (bestIndex, best);
    }

    internal static float[] RandomUnit(Random random, int dimension = Dimension)
    {
        var v = new float[dimension];
        for (var i = 0; i < v.Length; i++)
        {
            // Box-Muller: Gaussian components give directions uniform on the sphere.
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        EmbeddingIndex.Normalize(v);
        return v;
    }
}
