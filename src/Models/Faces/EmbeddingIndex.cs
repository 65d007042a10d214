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

    /// <summary>The dot product of <paramref name="probe"/> with every row, in row order.</summary>
    public float[] Scores(ReadOnlySpan<float> probe)
    {
        if (probe.Length != Dimension)
        {
            throw new ArgumentException($"The probe has {probe.Length} values, not {Dimension}.", nameof(probe));
        }

        var scores = new float[Count];
        var matrix = _matrix.AsSpan();
        for (var row = 0; row < Count; row++)
        {
            scores[row] = Dot(matrix.Slice(row * Dimension, Dimension), probe);
        }

        return scores;
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
