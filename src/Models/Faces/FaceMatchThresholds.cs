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
}
