using Kusd.Moderation.Rules;

namespace Kusd.Moderation.Images;

/// <summary>
/// A checker of one decoded image (faces, explicit content, metadata). It receives pixels, never bytes,
/// and runs on the thread pool beside the image's other checkers; a checker that throws or runs past
/// the checker timeout is cancelled and reported as <c>check/unavailable</c>.
/// </summary>
public interface IImageRule
{
    /// <summary>Short name for timings and <c>check/unavailable</c> messages, e.g. <c>faces</c>.</summary>
    string Name { get; }

    /// <summary>Model name to version, reported in every verdict (empty for checkers without a model).</summary>
    IReadOnlyDictionary<string, string> Models { get; }

    void Analyze(ImageCheckContext context, IList<Finding> findings, CancellationToken cancellationToken);
}

/// <summary>What an image checker sees: the image, and the check it belongs to (roster, options, audit).</summary>
public sealed record ImageCheckContext(DecodedImage Image, CheckContext Check);
