using System.ComponentModel.DataAnnotations;
using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Faces;

/// <summary>
/// Thresholds of the face rule. They apply to the embedder's score (<see cref="FaceScoring"/>): a
/// cosine similarity for ArcFace and dlib, a cohort-centred fused similarity for the default.
/// </summary>
public sealed class FaceMatchOptions : IValidatableObject
{
    public const string SectionName = "FaceMatching";

    /// <summary>
    /// At or above this score a face is a restricted student's: <c>media-restriction/face</c> error.
    /// Unset: the value measured for the configured embedder, with its evidence, in <see cref="FaceMatchThresholds"/>.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double? MatchThreshold { get; set; }

    /// <summary>
    /// Between this and <see cref="MatchThreshold"/> a person must look: the same rule as a warning.
    /// Unset: the value measured for the configured embedder (<see cref="FaceMatchThresholds"/>).
    /// </summary>
    [Range(-1.0, 1.0)]
    public double? ReviewThreshold { get; set; }

    /// <summary>The thresholds to use with <paramref name="embedder"/>: configured values win over measured ones.</summary>
    public FaceThresholdSet Resolve(FaceEmbedderKind embedder)
    {
        var measured = FaceMatchThresholds.For(embedder);
        return measured with { Match = MatchThreshold ?? measured.Match, Review = ReviewThreshold ?? measured.Review };
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReviewThreshold is not null && MatchThreshold is not null && ReviewThreshold > MatchThreshold)
        {
            yield return new ValidationResult("The review threshold must not be above the match threshold.", [nameof(ReviewThreshold)]);
        }
    }
}
