using System.ComponentModel;

namespace Kusd.Moderation.Content;

/// <summary>A text field of the post: its name (e.g. <c>title</c>, <c>body</c>), text and format.</summary>
public sealed record CheckFieldDto(
    [property: Description("Field name, echoed in findings and in the sanitized fields.")] string Name,
    [property: Description("The text as it will be published.")] string Text,
    [property: Description("plain (default), markdown or html.")] string? Format = null);

/// <summary>An image of the post, base64-encoded.</summary>
public sealed record CheckImageDto(
    [property: Description("File name, echoed in findings.")] string? Name,
    [property: Description("The image bytes (JPEG, PNG, GIF, WebP), base64.")] string Data);

/// <summary>
/// A check of one post as it travels on the wire (<c>POST /v1/checks</c>, JSON): named text fields and
/// base64 images. The API reads it and the CLI's <c>--server</c> sends it: one type, so they cannot drift.
/// </summary>
public sealed record CheckRequestDto
{
    public IReadOnlyList<CheckFieldDto>? Fields { get; init; }

    public IReadOnlyList<CheckImageDto>? Images { get; init; }

    [Description("website (default) or social.")]
    public string? Channel { get; init; }

    [Description("Return each image with restricted faces blurred and metadata stripped; those faces then count as fixed.")]
    public bool ReturnSanitizedImages { get; init; }

    /// <summary>The wire form of a request (formats and channel by <see cref="WireNames"/>).</summary>
    public static CheckRequestDto From(CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CheckRequestDto
        {
            Fields = [.. request.Fields.Select(f => new CheckFieldDto(f.Name, f.Text, WireNames.Of(f.Format)))],
            Images = [.. request.Images.Select(i => new CheckImageDto(i.Name, Convert.ToBase64String(i.Data.Span)))],
            Channel = WireNames.Of(request.Channel),
            ReturnSanitizedImages = request.ReturnSanitizedImages,
        };
    }
}
