using System.ComponentModel.DataAnnotations;
using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Faces;

/// <summary>Thresholds of the face rule. Similarities are cosine similarities of L2-normalised embeddings.</summary>
public sealed class FaceMatchOptions : IValidatableObject
{
    public const string SectionName = "FaceMatching";

    /// <summary>
    /// At or above this similarity a face is a restricted student's: <c>media-restriction/face</c> error.
    /// Default and its evidence: <see cref="FaceMatchThresholds.Match"/>.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double MatchThreshold { get; set; } = FaceMatchThresholds.Match;

    /// <summary>
    /// Between this and <see cref="MatchThreshold"/> a person must look: the same rule as a warning.
    /// Default and its evidence: <see cref="FaceMatchThresholds.Review"/>.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double ReviewThreshold { get; set; } = FaceMatchThresholds.Review;

    /// <summary>Whether sanitized images also blur faces that could not be checked (<c>face/unverified</c>).</summary>
    public bool BlurUnverifiedFaces { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReviewThreshold > MatchThreshold)
        {
            yield return new ValidationResult("The review threshold must not be above the match threshold.", [nameof(ReviewThreshold)]);
        }
    }
}
