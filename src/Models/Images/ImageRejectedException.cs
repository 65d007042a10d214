namespace Kusd.Moderation.Models.Images;

public enum ImageRejection
{
    /// <summary>Not an image format we read (HTTP 415).</summary>
    UnknownFormat,

    /// <summary>Bytes, pixels or frames over the limits (HTTP 413 for bytes, 422 for declared dimensions).</summary>
    TooLarge,

    /// <summary>Truncated or corrupt data (HTTP 422).</summary>
    Corrupt,
}

/// <summary>An image that is refused at the boundary, with a message fit to show the person who sent it.</summary>
public sealed class ImageRejectedException : Exception
{
    public ImageRejectedException(ImageRejection reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public ImageRejectedException()
    {
    }

    public ImageRejectedException(string message)
        : base(message)
    {
    }

    public ImageRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImageRejection Reason { get; } = ImageRejection.Corrupt;

    /// <summary>Which image of a request was refused (<c>images[1]</c>), when the refusal came from a check.</summary>
    public string? Field { get; init; }
}
