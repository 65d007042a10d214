using System.Text.Json;
using Kusd.Moderation.Api.Catalog;
using Kusd.Moderation.Content;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kusd.Moderation.Api.Checks;

/// <summary>Reads a check from JSON or multipart/form-data, enforcing the limits and naming every bad field.</summary>
public static class CheckRequestReader
{
    public sealed record Result(CheckRequest? Request, IResult? Error, string RequestSha256);

    public static async Task<Result> ReadAsync(HttpRequest http, RequestLimits limits, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        CheckRequestDto? dto;
        var images = new List<(string Field, string? Name, byte[] Data)>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (http.HasJsonContentType())
        {
            dto = await JsonSerializer.DeserializeAsync<CheckRequestDto>(http.Body, json, cancellationToken).ConfigureAwait(false);
            if (dto is null)
            {
                return Fail(Validation(new() { ["body"] = ["The body must be a JSON object."] }));
            }

            var imageDtos = dto.Images ?? [];
            for (var i = 0; i < imageDtos.Count && i < limits.MaxImages; i++)
            {
                try
                {
                    var bytes = Convert.FromBase64String(imageDtos[i].Data ?? "");
                    images.Add(($"images[{i}]", imageDtos[i].Name, bytes));
                }
                catch (FormatException)
                {
                    errors[$"images[{i}].data"] = ["The image data is not valid base64."];
                }
            }
        }
        else if (http.HasFormContentType)
        {
            var form = await http.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            var format = form["format"].FirstOrDefault();
            var fields = form.Keys
                .Where(k => k is not "format" and not "channel" and not "returnSanitizedImages" and not "schools")
                .Select(k => new CheckFieldDto(k, form[k].ToString(), format))
                .ToList();
            dto = new CheckRequestDto
            {
                Fields = fields,
                Channel = form["channel"].FirstOrDefault(),
                ReturnSanitizedImages = bool.TryParse(form["returnSanitizedImages"].FirstOrDefault(), out var sanitize) && sanitize,
                Schools = [.. form["schools"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            };
            for (var i = 0; i < form.Files.Count && i < limits.MaxImages; i++)
            {
                var file = form.Files[i];
                if (file.Length > limits.MaxImageBytes)
                {
                    return Fail(TooLarge($"Image {file.FileName} is larger than {limits.MaxImageBytes} bytes."));
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                images.Add(($"images[{i}]", string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName, buffer.ToArray()));
            }

            if (form.Files.Count > limits.MaxImages)
            {
                errors["images"] = [$"At most {limits.MaxImages} images per check."];
            }
        }
        else
        {
            return Fail(TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: "Send application/json or multipart/form-data."));
        }

        if ((dto.Images?.Count ?? 0) > limits.MaxImages)
        {
            errors["images"] = [$"At most {limits.MaxImages} images per check."];
        }

        foreach (var (field, _, data) in images)
        {
            if (data.Length > limits.MaxImageBytes)
            {
                return Fail(TooLarge($"{field} is larger than {limits.MaxImageBytes} bytes."));
            }
        }

        var contentFields = new List<ContentField>();
        var fieldDtos = dto.Fields ?? [];
        if (fieldDtos.Count > limits.MaxFields)
        {
            errors["fields"] = [$"At most {limits.MaxFields} fields per check."];
        }

        if (fieldDtos.Count == 0 && images.Count == 0)
        {
            errors["fields"] = ["A check needs at least one text field or one image."];
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fieldDtos.Count && i < limits.MaxFields; i++)
        {
            var field = fieldDtos[i];
            if (string.IsNullOrWhiteSpace(field.Name) || field.Name.Length > 100)
            {
                errors[$"fields[{i}].name"] = ["Each field needs a name of 1 to 100 characters."];
                continue;
            }

            if (!names.Add(field.Name))
            {
                errors[$"fields[{i}].name"] = [$"The field name '{field.Name}' is used twice."];
            }

            if (field.Text is null)
            {
                errors[$"fields[{i}].text"] = ["The text is missing."];
                continue;
            }

            if (field.Text.Length > limits.MaxFieldLength)
            {
                errors[$"fields[{i}].text"] = [$"The text is longer than {limits.MaxFieldLength} characters."];
            }

            if (!WireNames.TryParseFormat(field.Format, out var format))
            {
                errors[$"fields[{i}].format"] = ["The format must be plain, markdown or html."];
                continue;
            }

            contentFields.Add(new ContentField(field.Name, field.Text, format));
        }

        if (!WireNames.TryParseChannel(dto.Channel, out var channel))
        {
            errors["channel"] = ["The channel must be website or social."];
        }

        var schools = dto.Schools ?? [];
        if (Kusd.Moderation.Roster.PersonRules.CheckSchools(schools) is { } badSchools)
        {
            errors["schools"] = [badSchools];
        }

        if (errors.Count > 0)
        {
            return Fail(Validation(errors));
        }

        var request = new CheckRequest
        {
            Fields = contentFields,
            Images = [.. images.Select(i => new ContentImage(i.Field, i.Name, i.Data))],
            Channel = channel,
            ReturnSanitizedImages = dto.ReturnSanitizedImages,
            Schools = schools,
        };
        return new Result(request, null, Hash(request));
    }

    /// <summary>A stable hash of what was asked, so that a retried Idempotency-Key with another body is caught.</summary>
    public static string Hash(CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(string s)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(s));
            sha.AppendData([0]);
        }

        Add(request.Channel.ToString());
        Add(request.ReturnSanitizedImages.ToString());
        Add(string.Join(',', request.Schools));
        foreach (var f in request.Fields)
        {
            Add(f.Name);
            Add(f.Format.ToString());
            Add(f.Text);
        }

        foreach (var image in request.Images)
        {
            Add(image.Name ?? "");
            sha.AppendData(image.Data.Span);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static Result Fail(IResult error) => new(null, error, "");

    private static ValidationProblem Validation(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The check request is not valid", detail: "See errors: each names the field that is wrong.");

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Image too large", detail: detail);
}
