using System.Numerics;
using System.Runtime.InteropServices;

namespace Kusd.Moderation.Models.Faces;

/// <summary>
/// Brute-force nearest neighbour over L2-normalised embeddings, stored in one contiguous matrix and
/// compared by SIMD dot product. Tens of thousands of templates fit in cache-friendly rows; a
/// benchmark decides if anything smarter is ever needed.
/// </summary>
public sealed class EmbeddingIndex
{
    private readonly float[] _matrix;

    public EmbeddingIndex(int dimension, IReadOnlyList<float[]> embeddings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentNullException.ThrowIfNull(embeddings);
        Dimension = dimension;
        Count = embeddings.Count;
        _matrix = new float[checked(dimension * embeddings.Count)];
        for (var i = 0; i < embeddings.Count; i++)
        {
            var e = embeddings[i];
            if (e.Length != dimension)
            {
                throw new ArgumentException($"Embedding {i} has {e.Length} values, not {dimension}.", nameof(embeddings));
            }

            e.CopyTo(_matrix, i * dimension);
        }
    }

    public static EmbeddingIndex Empty(int dimension) => new(dimension, []);

    public int Dimension { get; }

    public int Count { get; }

    /// <summary>The row with the highest dot product with <paramref name="probe"/>, or (-1, -inf) when empty.</summary>
    public (int Index, float Similarity) Best(ReadOnlySpan<float> probe)
    {
        if (probe.Length != Dimension)
        {
            throw new ArgumentException($"The probe has {probe.Length} values, not {Dimension}.", nameof(probe));
        }

        var bestIndex = -1;
        var best = float.NegativeInfinity;
        var matrix = _matrix.AsSpan();
        for (var row = 0; row < Count; row++)
        {
            var score = Dot(matrix.Slice(row * Dimension, Dimension), probe);
            if (score > best)
            {
                best = score;
                bestIndex = row;
            }
        }

        return (bestIndex, best);
    }

    /// <summary>Rows per block of <see cref="ScoresMany"/>: 64 rows of 640 floats (160 KB) stay in a core's L2 cache while every probe passes over them.</summary>
    private const int BlockRows = 64;

    /// <summary>Below this many matrix values (about 1,500 templates of 640) one core is faster than handing blocks out.</summary>
    private const long ParallelFrom = 1_000_000;

    /// <summary>
    /// The dot product of every probe with every row, in one pass over the matrix: each block of rows is read
    /// once for all the faces of a photo rather than once per face. Large matrices are split across cores.
    /// Every score is the same <see cref="Dot"/> of the same two spans as a row-by-row loop would compute.
    /// </summary>
    public float[][] ScoresMany(IReadOnlyList<float[]> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var scores = new float[probes.Count][];
        for (var p = 0; p < probes.Count; p++)
        {
            if (probes[p].Length != Dimension)
            {
                throw new ArgumentException($"Probe {p} has {probes[p].Length} values, not {Dimension}.", nameof(probes));
            }

            scores[p] = new float[Count];
        }

        var blocks = (Count + BlockRows - 1) / BlockRows;
        if ((long)Count * Dimension < ParallelFrom || Environment.ProcessorCount == 1)
        {
            for (var block = 0; block < blocks; block++)
            {
                ScoreBlock(block, probes, scores);
            }
        }
        else
        {
            Parallel.For(0, blocks, block => ScoreBlock(block, probes, scores));
        }

        return scores;
    }

    private void ScoreBlock(int block, IReadOnlyList<float[]> probes, float[][] scores)
    {
        var first = block * BlockRows;
        var end = Math.Min(Count, first + BlockRows);
        var matrix = _matrix.AsSpan();
        for (var p = 0; p < probes.Count; p++)
        {
            var probe = probes[p];
            var into = scores[p];
            for (var row = first; row < end; row++)
            {
                into[row] = Dot(matrix.Slice(row * Dimension, Dimension), probe);
            }
        }
    }

    /// <summary>Dot product with SIMD; both spans have the same length.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var v = 0; v < va.Length; v++)
            {
                sum += va[v] * vb[v];
            }

            i = va.Length * Vector<float>.Count;
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    /// <summary>Scales <paramref name="values"/> to unit length in place (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> values)
    {
        var norm = MathF.Sqrt(Dot(values, values));
        if (norm > 0)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] /= norm;
            }
        }
    }
}
