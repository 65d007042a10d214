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

    private static FaceTemplateSet Set(params (string Id, float[] Embedding)[] templates) =>
        new("m", templates[0].Embedding.Length, templates.Select(t => t.Id).ToList(), templates.Select(t => t.Embedding).ToList());

    private static float[] Unit(params float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
