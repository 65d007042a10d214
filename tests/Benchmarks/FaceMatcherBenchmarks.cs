using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Benchmarks;

/// <summary>
/// The face rule's matching step as the roster grows: one face, and a class photo's 23 faces, against every
/// template of the fused default (640 values, three templates per student), centred scoring. The baseline
/// is the matcher as it was (a dictionary entry per person, every face on its own pass over the templates),
/// measured in the same run; decisions are the same (FaceMatcherTests compares them).
/// <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*FaceMatcher*'</c>
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class FaceMatcherBenchmarks
{
    private const int Dimension = 640;
    private readonly FaceMatcher _matcher = new(FaceMatchThresholds.For(FaceEmbedderKind.Fused));
    private FaceTemplateSet _set = null!;
    private List<string> _ids = null!;
    private float[] _matrix = null!;
    private float[][] _faces = null!;

    [Params(1_000, 100_000)]
    public int Templates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(4226);
        _ids = [.. Enumerable.Range(0, Templates).Select(i => $"S{i / 3:D6}")];
        List<float[]> vectors = [.. Enumerable.Range(0, Templates).Select(_ => MatchingBenchmarks.RandomUnit(random, Dimension))];
        _set = new FaceTemplateSet("bench", Dimension, _ids, vectors);
        _matrix = [.. vectors.SelectMany(v => v)];
        _faces = [.. Enumerable.Range(0, 23).Select(_ => MatchingBenchmarks.RandomUnit(random, Dimension))];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("one face")]
    public FaceMatchResult OneFaceBefore() => DictionaryPerPerson(_faces[0]);

    [Benchmark]
    [BenchmarkCategory("one face")]
    public FaceMatchResult OneFace() => _matcher.Match(_faces[0], _set);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("23 faces")]
    public int ClassPhotoBefore() => _faces.Count(f => DictionaryPerPerson(f).Decision != FaceDecision.None);

    [Benchmark]
    [BenchmarkCategory("23 faces")]
    public int ClassPhoto() => _matcher.MatchAll(_faces, _set).Count(r => r.Decision != FaceDecision.None);

    /// <summary>The matcher before the one-pass version, kept here as the baseline.</summary>
    private FaceMatchResult DictionaryPerPerson(float[] probe)
    {
        var t = _matcher.Thresholds;
        // The index's scores as they were: every row of the contiguous matrix, one core.
        var raw = new float[_ids.Count];
        for (var row = 0; row < raw.Length; row++)
        {
            raw[row] = EmbeddingIndex.Dot(_matrix.AsSpan(row * Dimension, Dimension), probe);
        }

        var perPerson = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Length; i++)
        {
            if (!perPerson.TryGetValue(_ids[i], out var s) || raw[i] > s)
            {
                perPerson[_ids[i]] = raw[i];
            }
        }

        var total = perPerson.Values.Sum();
        var others = perPerson.Count - 1;
        var best = (Id: (string?)null, Score: double.NegativeInfinity, Similarity: double.NegativeInfinity);
        foreach (var (id, similarity) in perPerson)
        {
            var score = similarity - (((total - similarity) + (t.CohortMean * FaceMatchThresholds.CohortPrior)) / (others + FaceMatchThresholds.CohortPrior));
            if (score > best.Score)
            {
                best = (id, score, similarity);
            }
        }

        var decision = best.Score >= t.Match ? FaceDecision.Match : best.Score >= t.Review ? FaceDecision.Review : FaceDecision.None;
        return new FaceMatchResult(decision, best.Score, best.Similarity, best.Id);
    }
}
