using Kusd.Moderation.Faces;
using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Tests.Faces;

public sealed class FaceMatcherTests
{
    private static readonly FaceThresholdSet Raw = new(0.8, 0.6, FaceScoring.Raw, 0);

    // A cohort mean of 0.5 for an empty roster, as a population of look-alike faces would give.
    private static readonly FaceThresholdSet Centered = new(0.3, 0.2, FaceScoring.Centered, 0.5);

    [Fact]
    public void AFaceCloseToARestrictedStudentsTemplateIsAMatchForThatStudent()
    {
        var set = Set(("s1", Unit(1, 0, 0)), ("s2", Unit(0, 1, 0)));

        var result = new FaceMatcher(Raw).Match(Unit(0.95f, 0.1f, 0), set);

        Assert.Equal(FaceDecision.Match, result.Decision);
        Assert.Equal("s1", result.PersonId);
    }

    [Fact]
    public void AStudentEnrolledFromSeveralPhotosIsMatchedByTheirClosestTemplate()
    {
        var set = Set(("s1", Unit(1, 0, 0)), ("s1", Unit(0, 0, 1)), ("s2", Unit(0, 1, 0)));

        var result = new FaceMatcher(Raw).Match(Unit(0.1f, 0, 1), set);

        Assert.Equal(FaceDecision.Match, result.Decision);
        Assert.Equal("s1", result.PersonId);
        Assert.True(result.Similarity > 0.99);
    }

    [Fact]
    public void ASimilarityBetweenTheThresholdsGoesToReview()
    {
        var set = Set(("s1", Unit(1, 0, 0)));

        var result = new FaceMatcher(Raw).Match(Unit(0.7f, 0.714f, 0), set);

        Assert.Equal(FaceDecision.Review, result.Decision);
    }

    [Fact]
    public void UnderCentredScoringAFaceThatResemblesEveryoneMatchesNobody()
    {
        // Similar to all four students (0.49 each): raw scoring at 0.45 would call it a match for one of them.
        var set = Set(("s1", Unit(1, 0, 0, 0, 0)), ("s2", Unit(0, 1, 0, 0, 0)), ("s3", Unit(0, 0, 1, 0, 0)), ("s4", Unit(0, 0, 0, 1, 0)));
        var probe = Unit(0.5f, 0.5f, 0.5f, 0.5f, 0.25f);

        Assert.Equal(FaceDecision.Match, new FaceMatcher(new FaceThresholdSet(0.45, 0.4, FaceScoring.Raw, 0)).Match(probe, set).Decision);
        Assert.Equal(FaceDecision.None, new FaceMatcher(Centered).Match(probe, set).Decision);
    }

    [Fact]
    public void UnderCentredScoringAFaceCloseToOneStudentOnlyIsAMatch()
    {
        var set = Set(("s1", Unit(1, 0, 0, 0, 0)), ("s2", Unit(0, 1, 0, 0, 0)), ("s3", Unit(0, 0, 1, 0, 0)));

        var result = new FaceMatcher(Centered).Match(Unit(0.95f, 0.1f, 0.1f, 0, 0), set);

        Assert.Equal(FaceDecision.Match, result.Decision);
        Assert.Equal("s1", result.PersonId);
    }

    [Fact]
    public void StudentsOutsideTheCandidatesAreNeverMatched()
    {
        var set = Set(("s1", Unit(1, 0, 0)), ("s2", Unit(0, 1, 0)));

        var result = new FaceMatcher(Raw).Match(Unit(1, 0, 0), set, new HashSet<string> { "s2" });

        Assert.Equal(FaceDecision.None, result.Decision);
        Assert.Equal("s2", result.PersonId);
    }

    [Fact]
    public void AnEmptyRosterMatchesNothing()
    {
        var result = new FaceMatcher(Centered).Match(Unit(1, 0, 0), FaceTemplateSet.Empty("m", 3));

        Assert.Equal(FaceDecision.None, result.Decision);
        Assert.Null(result.PersonId);
    }

    [Fact]
    public void AReviewThresholdAboveTheMatchThresholdIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new FaceMatcher(new FaceThresholdSet(0.3, 0.5, FaceScoring.Raw, 0)));
    }

    [Fact]
    public void ConfiguredThresholdsOverrideTheMeasuredOnesButKeepTheEmbeddersScoring()
    {
        var resolved = new FaceMatchOptions { MatchThreshold = 0.2 }.Resolve(FaceEmbedderKind.Fused);

        Assert.Equal(0.2, resolved.Match);
        Assert.Equal(FaceMatchThresholds.FusedReview, resolved.Review);
        Assert.Equal(FaceScoring.Centered, resolved.Scoring);
    }

    [Theory]
    [InlineData(40, 64)]
    [InlineData(2_400, 640)]
    public void MatchingAllFacesOfAPhotoInOnePassDecidesExactlyAsTheDictionaryPerPersonDidForEachFaceAlone(int templates, int dimension)
    {
        // 2,400 templates of 640 values go through the parallel, blocked pass; 40 through the single-core one.
        var random = new Random(4226);
        var ids = Enumerable.Range(0, templates).Select(i => $"s{random.Next(templates / 3)}").ToList();
        var vectors = Enumerable.Range(0, templates).Select(_ => RandomUnit(random, dimension)).ToList();
        var set = new FaceTemplateSet("m", dimension, ids, vectors);

        // Faces near a template (matches), between (reviews) and anywhere (nobody), as a class photo would give.
        var probes = Enumerable.Range(0, 30).Select(i => Blend(vectors[random.Next(templates)], RandomUnit(random, dimension), i / 30f)).ToList();
        var candidates = ids.Distinct().Where((_, i) => i % 2 == 0).ToHashSet();
        var thresholds = new FaceThresholdSet(0.5, 0.35, FaceScoring.Centered, 0.05);
        var matcher = new FaceMatcher(thresholds);

        foreach (var scope in new[] { null, candidates })
        {
            var all = matcher.MatchAll(probes, set, scope);
            for (var p = 0; p < probes.Count; p++)
            {
                var expected = DictionaryPerPerson(probes[p], ids, vectors, thresholds, scope);
                Assert.Equal(expected, all[p]);
                Assert.Equal(expected, matcher.Match(probes[p], set, scope));
            }

            Assert.Contains(all, r => r.Decision == FaceDecision.Match);
            Assert.Contains(all, r => r.Decision == FaceDecision.None);
        }
    }

    /// <summary>The matcher as it was before the one-pass version: one dictionary entry per person, row by row.</summary>
    private static FaceMatchResult DictionaryPerPerson(float[] probe, List<string> ids, List<float[]> vectors, FaceThresholdSet t, IReadOnlySet<string>? candidates)
    {
        var perPerson = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            var raw = EmbeddingIndex.Dot(vectors[i], probe);
            if (!perPerson.TryGetValue(ids[i], out var s) || raw > s)
            {
                perPerson[ids[i]] = raw;
            }
        }

        var total = perPerson.Values.Sum();
        var others = perPerson.Count - 1;
        var best = (Id: (string?)null, Score: double.NegativeInfinity, Similarity: double.NegativeInfinity);
        foreach (var (id, similarity) in perPerson)
        {
            if (candidates is not null && !candidates.Contains(id))
            {
                continue;
            }

            var score = similarity - (((total - similarity) + (t.CohortMean * FaceMatchThresholds.CohortPrior)) / (others + FaceMatchThresholds.CohortPrior));
            if (score > best.Score)
            {
                best = (id, score, similarity);
            }
        }

        var decision = best.Score >= t.Match ? FaceDecision.Match : best.Score >= t.Review ? FaceDecision.Review : FaceDecision.None;
        return new FaceMatchResult(decision, best.Score, best.Similarity, best.Id);
    }

    private static float[] RandomUnit(Random random, int dimension) =>
        Unit([.. Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1))]);

    private static float[] Blend(float[] a, float[] b, float weightOfB) =>
        Unit([.. a.Select((x, i) => ((1 - weightOfB) * x) + (weightOfB * b[i]))]);

    private static FaceTemplateSet Set(params (string Id, float[] Embedding)[] templates) =>
        new("m", templates[0].Embedding.Length, templates.Select(t => t.Id).ToList(), templates.Select(t => t.Embedding).ToList());

    private static float[] Unit(params float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
