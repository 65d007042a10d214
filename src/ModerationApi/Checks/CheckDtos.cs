using System.ComponentModel;

namespace Kusd.Moderation.Api.Checks;

/// <summary>A text field of the post: its name (e.g. <c>title</c>, <c>body</c>), text and format.</summary>
public sealed record CheckFieldDto(
    [property: Description("Field name, echoed in findings and in the sanitized fields.")] string Name,
    [property: Description("The text as it will be published.")] string Text,
    [property: Description("plain (default), markdown or html.")] string? Format = null);

/// <summary>An image of the post, base64-encoded.</summary>
public sealed record CheckImageDto(
    [property: Description("File name, echoed in findings.")] string? Name,
    [property: Description("The image bytes (JPEG, PNG, GIF, WebP), base64.")] string Data);

/// <summary>A check of one post: named text fields and images.</summary>
public sealed record CheckRequestDto
{
    public IReadOnlyList<CheckFieldDto>? Fields { get; init; }

    public IReadOnlyList<CheckImageDto>? Images { get; init; }

    [Description("website (default) or social.")]
    public string? Channel { get; init; }

    [Description("Return each image with restricted faces blurred and metadata stripped; those faces then count as fixed.")]
    public bool ReturnSanitizedImages { get; init; }
}
