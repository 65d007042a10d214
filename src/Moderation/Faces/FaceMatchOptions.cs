using System.ComponentModel.DataAnnotations;

namespace Kusd.Moderation.Faces;

/// <summary>Thresholds of the face rule. Similarities are cosine similarities of L2-normalised embeddings.</summary>
public sealed class FaceOptions : IValidatableObject
{
    public const string SectionName = "Faces";

    /// <summary>
    /// At or above this similarity a face is a restricted student's: <c>media-restriction/face</c> error.
    /// Evidence: see models/EVALUATION.md (chosen on ../shared/eval/faces for a false-accept rate near 0.1%).
    /// </summary>
    [Range(-1.0, 1.0)]
    public double MatchThreshold { get; set; } = 0.50;

    /// <summary>
    /// Between this and <see cref="MatchThreshold"/> a person must look: the same rule as a warning.
    /// Evidence: models/EVALUATION.md (false-accept rate near 1%).
    /// </summary>
    [Range(-1.0, 1.0)]
    public double ReviewThreshold { get; set; } = 0.35;

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
