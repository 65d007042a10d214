namespace Kusd.Moderation.Models.Faces;

/// <summary>How a face's similarities with the enrolled people become the score the thresholds apply to.</summary>
public enum FaceScoring
{
    /// <summary>The best similarity with any template.</summary>
    Raw,

    /// <summary>
    /// The best person's similarity minus the face's mean similarity with the other enrolled people
    /// (cohort centring): a face that resembles everyone, as children's faces do, is not a match for
    /// anyone. The mean is shrunk towards <see cref="FaceMatchThresholds.FusedCohortMean"/> by
    /// <see cref="FaceMatchThresholds.CohortPrior"/> pseudo-people, so that a roster of one or two is still stable.
    /// </summary>
    Centered,
}

/// <summary>The thresholds measured for one embedder, and how its scores are made.</summary>
public sealed record FaceThresholdSet(double Match, double Review, FaceScoring Scoring, double CohortMean);

/// <summary>
/// Thresholds per embedder, each with the run that measured it. ArcFace and dlib alone were measured
/// on adults; the default, <see cref="FaceEmbedderKind.Fused"/>, on children.
/// </summary>
public static class FaceMatchThresholds
{
    /// <summary>
    /// ArcFace (fr_feature, cosine): measured by <c>dotnet run --project tests/Evaluation -- faces
    /// /work/shared/eval/faces --detector ultraface --embedder arcface --verbose --sizes</c> on
    /// 2026-11-29: 55 genuine pairs (median 0.709, 5th percentile 0.464, lowest 0.39) and 1,177
    /// impostor pairs (median 0.005, 95th percentile 0.184, highest 0.361). At or above: the same
    /// person, TAR 96.4%, FAR 0% on adults. On children (<c>children</c> evaluation, 2026-12-01)
    /// this threshold is far too low: children's impostor similarities sit much higher.
    /// </summary>
    public const double Match = 0.45;

    /// <summary>ArcFace review threshold (adults): TAR 100%, FAR 0.68%.</summary>
    public const double Review = 0.30;

    /// <summary>
    /// The dlib embedder's cosine similarities are compressed near 1 (same adult run: genuine median 0.966,
    /// lowest 0.91; impostor median 0.836, highest 0.927): at or above, the same person (TAR 98%, FAR 0%).
    /// </summary>
    public const double DlibMatch = 0.93;

    /// <summary>dlib review threshold (adults): TAR 100%, FAR about 1% (threshold at FAR 1% was 0.909).</summary>
    public const double DlibReview = 0.905;

    /// <summary>
    /// Fused embedder, centred score: at or above, a restricted child's face. The operating point that misses the
    /// fewest restricted children with at most 2% of other children's photos falsely matched (the children's issue's
    /// rule when its targets cannot be reached). Measured by
    /// <c>dotnet run -c Release --project tests/Evaluation -- children /work/cache/children/data</c> (2026-12-01;
    /// LAG identities n..z + UTKFace children, near-duplicates removed; 39 enrolled children per turn, one enrolment
    /// photo, 1,329 photos of other children), table "The fused matcher by match threshold":
    /// 0.13: 51.2% of restricted children's photos matched, 4.55% of others falsely matched;
    /// 0.14: 45.7% / 1.88%; 0.15: 37.2% / 0.86%. On adults at 0.14, the same run's LAG adults 90.4% / 0.95% and
    /// <c>faces ../shared/eval/faces --detector ultraface --embedder fused</c> 54 of 55 matched, 0 of 55 falsely
    /// (ArcFace at its own threshold: 53 of 55), so adults do not get worse.
    /// </summary>
    public const double FusedMatch = 0.14;

    /// <summary>
    /// Fused review threshold: the lowest that keeps the photos of non-enrolled children that are
    /// flagged (match, review, or an unrecognisable face) at or below 10% (0.121 on the same run).
    /// </summary>
    public const double FusedReview = 0.12;

    /// <summary>
    /// Mean fused similarity of two different children, the cohort mean of an empty roster: same run,
    /// 179,512 pairs of different children, 0.207 x 0.106 (ArcFace+flip) + 0.793 x 0.876 (dlib+flip).
    /// </summary>
    public const double FusedCohortMean = 0.717;

    /// <summary>Pseudo-people the cohort mean is shrunk with: ten keep a roster of one from swinging the score.</summary>
    public const int CohortPrior = 10;

    /// <summary>The thresholds and scoring measured for an embedder.</summary>
    public static FaceThresholdSet For(FaceEmbedderKind embedder) => embedder switch
    {
        FaceEmbedderKind.Dlib => new(DlibMatch, DlibReview, FaceScoring.Raw, 0),
        FaceEmbedderKind.Fused => new(FusedMatch, FusedReview, FaceScoring.Centered, FusedCohortMean),
        _ => new(Match, Review, FaceScoring.Raw, 0),
    };

    /// <summary>The embedder kind an embedder id (<see cref="IFaceAnalyzer.EmbedderId"/>) belongs to.</summary>
    public static FaceEmbedderKind KindOf(string embedderId)
    {
        ArgumentNullException.ThrowIfNull(embedderId);
        return embedderId.StartsWith("fused-", StringComparison.Ordinal) ? FaceEmbedderKind.Fused
            : embedderId.StartsWith("dlib-", StringComparison.Ordinal) ? FaceEmbedderKind.Dlib
            : FaceEmbedderKind.ArcFace;
    }
}
