using Kusd.Moderation.Api.Infrastructure;
using Kusd.Moderation.Models.Images;

namespace Kusd.Moderation.Api.Catalog;

/// <summary>
/// Every limit a check request meets, in one record: the API's transport limits and the engine's content
/// limits. The request reader enforces exactly these, and <c>GET /v1/limits</c> publishes them, so a
/// client (the upload form, the CMS plugin) can refuse a file before uploading it.
/// </summary>
public sealed record RequestLimits(
    long MaxRequestBytes,
    int MaxFields,
    int MaxFieldLength,
    int MaxImages,
    long MaxImageBytes,
    long MaxImagePixels,
    int MaxImageDimension,
    IReadOnlyList<string> ImageTypes,
    IReadOnlyList<string> ImageExtensions)
{
    public static RequestLimits Of(ApiLimitsOptions api, ModerationSettings engine)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(engine);
        var image = engine.Images.Limits;
        return new RequestLimits(
            api.MaxRequestBytes,
            api.MaxFields,
            engine.Moderation.MaxFieldLength,
            api.MaxImages,
            image.MaxBytes,
            image.MaxPixels,
            image.MaxDimension,
            ImageIntake.MediaTypes,
            ImageIntake.FileExtensions);
    }
}
