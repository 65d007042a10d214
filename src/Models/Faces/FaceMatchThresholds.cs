namespace Kusd.Moderation.Models.Faces;

/// <summary>
/// Similarity thresholds for the default embedder (ArcFace fr_feature, cosine of L2-normalised
/// embeddings), measured by <c>dotnet run --project tests/Evaluation -- faces /work/shared/eval/faces
/// --detector ultraface --embedder arcface --verbose --sizes</c> on 2026-11-29: 55 genuine pairs
/// (median 0.709, 5th percentile 0.464, lowest 0.39) and 1,177 impostor pairs (median 0.005,
/// 95th percentile 0.184, highest 0.361). The set is small and adult: children look more alike, so
/// re-measure with consented school photos before trusting the match threshold alone.
/// </summary>
public static class FaceMatchThresholds
{
    /// <summary>At or above: the same person. Above every impostor pair with margin; TAR 96.4%, FAR 0%.</summary>
    public const double Match = 0.45;

    /// <summary>At or above (and below <see cref="Match"/>): a person must look. TAR 100%, FAR 0.68%.</summary>
    public const double Review = 0.30;

    /// <summary>
    /// The dlib embedder's cosine similarities are compressed near 1 (same run: genuine median 0.966,
    /// lowest 0.91; impostor median 0.836, highest 0.927): at or above, the same person (TAR 98%, FAR 0%).
    /// </summary>
    public const double DlibMatch = 0.93;

    /// <summary>dlib review threshold: TAR 100%, FAR about 1% (threshold at FAR 1% was 0.909).</summary>
    public const double DlibReview = 0.905;

    /// <summary>The (match, review) pair measured for an embedder.</summary>
    public static (double Match, double Review) For(FaceEmbedderKind embedder) =>
        embedder == FaceEmbedderKind.Dlib ? (DlibMatch, DlibReview) : (Match, Review);
}
