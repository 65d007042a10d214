namespace Kusd.Moderation.Models.Faces;

/// <summary>
/// Similarity thresholds for the default embedder (ArcFace fr_feature, cosine of L2-normalised
/// embeddings), measured by <c>dotnet run --project tests/Evaluation -- faces /work/shared/eval/faces</c>.
/// </summary>
public static class FaceMatchThresholds
{
    /// <summary>At or above: the same person.</summary>
    public const double Match = 0.45;

    /// <summary>At or above (and below <see cref="Match"/>): a person must look.</summary>
    public const double Review = 0.30;
}
