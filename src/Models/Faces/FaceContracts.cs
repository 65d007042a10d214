namespace Kusd.Moderation.Models.Faces;

/// <summary>A point in the pixel space of the image as submitted (after EXIF orientation).</summary>
public readonly record struct PointF32(float X, float Y);

/// <summary>An axis-aligned box in pixels of the image as submitted (after EXIF orientation).</summary>
public readonly record struct BoxF(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;

    public float Bottom => Y + Height;

    public float Area => Width * Height;
}

/// <summary>How well a face can be recognised; a face that is not recognisable cannot be checked against the roster.</summary>
public sealed record FaceQuality(
    float ShortSidePixels,
    float Sharpness,
    float YawDegrees,
    bool IsRecognizable,
    string? Reason);

/// <summary>A face found in an image, with its 5 alignment points and (when recognisable) its embedding.</summary>
public sealed record DetectedFace(
    BoxF Box,
    float DetectionScore,
    IReadOnlyList<PointF32> Landmarks,
    FaceQuality Quality,
    float[]? Embedding);

/// <summary>Every face of one image.</summary>
public sealed record FaceAnalysis(int ImageWidth, int ImageHeight, IReadOnlyList<DetectedFace> Faces, IReadOnlyDictionary<string, double> TimingsMs);

/// <summary>The face pipeline: decode-limited image in, faces with embeddings out. Knows nothing of the policy.</summary>
public interface IFaceAnalyzer
{
    /// <summary>Model name to version (file and sha256 prefix), for verdicts and audit.</summary>
    IReadOnlyDictionary<string, string> Models { get; }

    /// <summary>
    /// Identifies the embedder and its weights (e.g. <c>arcface-512@1a2b3c4d5e6f</c>). Templates are
    /// stored under it, so that templates of another embedder are never compared with this one's.
    /// </summary>
    string EmbedderId { get; }

    /// <summary>Length of <see cref="DetectedFace.Embedding"/>; embeddings are L2-normalised, compared by dot product.</summary>
    int EmbeddingSize { get; }

    /// <summary>Decodes (within the limits), then finds and embeds every face. Throws <see cref="Images.ImageRejectedException"/> for bad input.</summary>
    FaceAnalysis Analyze(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default);

    /// <summary>Finds and embeds every face of an image the caller decoded (upright, RGB); the caller keeps it.</summary>
    FaceAnalysis Analyze(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image, CancellationToken cancellationToken = default);
}
