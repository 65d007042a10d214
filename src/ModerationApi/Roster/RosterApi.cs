using System.Security.Claims;
using Kusd.Moderation.Api.Access;
using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kusd.Moderation.Api.Roster;

/// <summary>
/// A person as administrators read and write them. A PUT replaces the whole person, so every field but
/// <c>role</c> (default student), <c>preferredName</c> and <c>grade</c> (staff) must be sent: a client
/// that leaves out <c>mediaRestriction</c> must not lift a restriction by accident. Face templates are
/// never returned.
/// </summary>
public sealed record PersonDto(
    string? Id,
    string? Role,
    string? GivenName,
    string? FamilyName,
    string? PreferredName,
    string? Grade,
    bool? MediaRestriction,
    IReadOnlyList<string>? Emails,
    int? Templates = null,
    IReadOnlyList<string>? Schools = null);

public static class RosterApi
{
    /// <summary>Row errors listed in a failed import's answer; the count says how many there were in all.</summary>
    public const int MaxListedRowErrors = 200;

    public static RouteGroupBuilder MapRoster(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/roster")
            .WithTags("Roster")
            .RequireAuthorization(Scopes.Roster)
            .WithKeyRateLimit()
            .DisableAntiforgery();

        group.MapGet("/people", ListPeople).WithSummary("List people").WithDescription("Everyone on the roster, by id; `?offset=0&limit=100`.");
        group.MapGet("/people/{id}", GetPerson).WithSummary("One person");
        group.MapPut("/people/{id}", PutPerson).WithSummary("Create or update a person")
            .WithDescription("""Example: {"id":"S1001","role":"student","givenName":"Emma","familyName":"Kowalski","grade":"02","mediaRestriction":false,"emails":["ekowalski27@students.kusd.edu"]}""");
        group.MapDelete("/people/{id}", DeletePerson).WithSummary("Delete a person")
            .WithDescription("Deletes the person, their face templates and every stored trace of them (face matches in check records, their id in roster audit rows).");
        group.MapPost("/import", Import).WithSummary("Replace the roster from a CSV or OneRoster file")
            .WithDescription("The district CSV of DESIGN.md, a OneRoster 1.1 users.csv, or its zip; as the request body (text/csv, application/zip) or a multipart file. All or nothing: any bad row rejects the file, with every row error listed in the problem details.")
            .Accepts<IFormFile>("multipart/form-data", "text/csv", "application/zip");
        group.MapPost("/people/{id}/faces", Enroll).WithSummary("Enrol face photos of a person")
            .WithDescription("Multipart: one or more photos, each showing exactly one recognisable face. Photos are not stored; each becomes an encrypted template. Enrol 3 or more photos per student, from different days, and new ones each school year: the answer's `templates` and `advice` say when a student has fewer.")
            .Accepts<IFormFile>("multipart/form-data");
        group.MapDelete("/people/{id}/faces", DeleteFaces).WithSummary("Delete every face template of a person");
        group.MapGet("/status", Status).WithSummary("Roster status")
            .WithDescription("Counts; the restricted people with no face template (photos of them are not caught until someone enrols them), with fewer than 3, or with none from this school year (from 1 July).");
        return group;
    }

    public static Ok<IReadOnlyList<PersonDto>> ListPeople(RosterDatabase roster, int? offset, int? limit)
    {
        var people = roster.Current.Roster.People.Skip(Math.Max(0, offset ?? 0)).Take(Math.Clamp(limit ?? 100, 1, 1000));
        return TypedResults.Ok<IReadOnlyList<PersonDto>>([.. people.Select(ToDto)]);
    }

    public static Results<Ok<PersonDto>, ProblemHttpResult> GetPerson(string id, RosterDatabase roster)
    {
        var person = roster.FindPerson(id);
        return person is null ? NotFoundPerson() : TypedResults.Ok(ToDto(person));
    }

    public static Results<Ok<PersonDto>, ValidationProblem> PutPerson(string id, PersonDto body, RosterDatabase roster, CheckStore audit, ClaimsPrincipal user)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string? message)
        {
            if (message is not null)
            {
                errors[field] = [message];
            }
        }

        Fail("id", PersonRules.CheckId(id) ?? (body.Id != id ? "The id in the body must match the id in the path." : null));
        Fail("givenName", PersonRules.CheckName(body.GivenName?.Trim() ?? "", "givenName"));
        Fail("familyName", PersonRules.CheckName(body.FamilyName?.Trim() ?? "", "familyName"));
        Fail("preferredName", PersonRules.CheckOptionalName(body.PreferredName?.Trim() ?? "", "preferredName"));
        var role = PersonRole.Student;
        if (!string.IsNullOrWhiteSpace(body.Role) && !PersonRules.TryParseRole(body.Role, out role))
        {
            Fail("role", "The role must be student or staff.");
        }

        Grade? grade = null;
        if (!string.IsNullOrWhiteSpace(body.Grade))
        {
            grade = PersonRules.TryParseGrade(body.Grade, out var parsed) ? parsed : null;
            Fail("grade", grade is null ? $"The grade must be {PersonRules.GradeExpectation}." : null);
        }
        else if (role == PersonRole.Student)
        {
            Fail("grade", $"Required for a student: {PersonRules.GradeExpectation}.");
        }

        Fail("mediaRestriction", body.MediaRestriction is null ? "Required: true or false. Leaving it out never lifts a restriction." : null);
        if (body.Emails is null)
        {
            Fail("emails", "Required: the person's addresses, or [] for none.");
        }
        else if (body.Emails.Count > PersonRules.MaxEmails)
        {
            Fail("emails", $"At most {PersonRules.MaxEmails} addresses.");
        }
        else if (body.Emails.Select((e, i) => e is not null && PersonRules.LooksLikeEmail(e) ? 0 : i + 1).FirstOrDefault(n => n > 0) is > 0 and var entry)
        {
            Fail("emails", $"Entry {entry} is not an email address.");
        }

        if (PersonRules.CheckSchools(body.Schools) is { } badSchools)
        {
            Fail("schools", badSchools);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The person is not valid");
        }

        var person = new Person
        {
            Id = id,
            Role = role,
            GivenName = body.GivenName!.Trim(),
            FamilyName = body.FamilyName!.Trim(),
            PreferredName = string.IsNullOrWhiteSpace(body.PreferredName) ? null : body.PreferredName.Trim(),
            Grade = grade,
            MediaRestriction = body.MediaRestriction!.Value,
            Emails = body.Emails!,
            Schools = body.Schools ?? [],
        };
        var before = roster.FindPerson(id);
        roster.UpsertPerson(person);
        audit.RecordRosterChange(user.KeyId(), "person.put", id);
        if (before is { MediaRestriction: true } && !person.MediaRestriction)
        {
            // Lifting a restriction is the one change that lets a student's name and face be published: on the record, who and when.
            audit.RecordRosterChange(user.KeyId(), "person.mediaRestriction.lifted", id, detail: "mediaRestriction true -> false");
        }

        return TypedResults.Ok(ToDto(person));
    }

    public static Results<NoContent, ProblemHttpResult> DeletePerson(string id, RosterDatabase roster, CheckStore audit, ClaimsPrincipal user)
    {
        if (!roster.DeletePerson(id))
        {
            return NotFoundPerson();
        }

        audit.ForgetPerson(id);
        audit.RecordRosterChange(user.KeyId(), "person.delete", personId: null);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<RosterStatus>, ProblemHttpResult>> Import(HttpRequest request, RosterDatabase roster, CheckStore audit, ClaimsPrincipal user, ModerationOptions options, EngineHost engine, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.Count != 1)
            {
                return TypedResults.Problem(statusCode: 400, title: "One file expected", detail: "Send the roster as one multipart file, or as the request body.");
            }

            await form.Files[0].CopyToAsync(buffer, cancellationToken);
        }
        else
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }

        buffer.Position = 0;
        var result = RosterCsv.Parse(buffer, options);
        if (!result.Succeeded)
        {
            var problem = TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The roster file has errors; nothing was imported",
                detail: $"{result.Errors.Count} row error(s){(result.Errors.Count > MaxListedRowErrors ? $"; the first {MaxListedRowErrors} are listed" : "")}. Fix them all and import the file again.",
                extensions: new Dictionary<string, object?>
                {
                    ["errorCount"] = result.Errors.Count,
                    ["errors"] = result.Errors.Take(MaxListedRowErrors).Select(e => new { line = e.Line, column = e.Column, message = e.Message }).ToList(),
                });
            return problem;
        }

        var restrictedBefore = roster.Current.Roster.People.Where(p => p.MediaRestriction).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        roster.ReplaceRoster(result.Roster!);
        audit.RecordRosterChange(user.KeyId(), "roster.import", personId: null, detail: $"{result.Roster!.People.Count} people ({result.Format})");
        foreach (var lifted in result.Roster.People.Where(p => !p.MediaRestriction && restrictedBefore.Contains(p.Id)))
        {
            audit.RecordRosterChange(user.KeyId(), "person.mediaRestriction.lifted", lifted.Id, detail: "mediaRestriction true -> false (import)");
        }

        return TypedResults.Ok(roster.GetStatus(engine.Faces?.EmbedderId));
    }

    public static async Task<Results<Ok<EnrollmentResult>, ProblemHttpResult>> Enroll(
        string id, HttpRequest request, RosterDatabase roster, CheckStore audit, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (roster.FindPerson(id) is null)
        {
            return NotFoundPerson();
        }

        var enrollment = services.GetService<FaceEnrollment>();
        if (enrollment is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Face models unavailable", detail: "This server runs without face models, so it cannot enrol faces.");
        }

        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Multipart expected", detail: "Send the photos as multipart/form-data files.");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var photos = new List<(string, ReadOnlyMemory<byte>)>();
        foreach (var file in form.Files)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            photos.Add((file.FileName, buffer.ToArray()));
        }

        var result = enrollment.Enroll(id, photos, cancellationToken);
        if (!result.Succeeded)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "No template was enrolled",
                detail: "Every photo must show exactly one recognisable face; nothing was stored.",
                extensions: new Dictionary<string, object?> { ["errors"] = result.Errors });
        }

        audit.RecordRosterChange(user.KeyId(), "faces.enroll", id, $"{result.TemplatesAdded} template(s)");
        return TypedResults.Ok(result);
    }

    public static Results<NoContent, ProblemHttpResult> DeleteFaces(string id, RosterDatabase roster, CheckStore audit, ClaimsPrincipal user)
    {
        if (roster.FindPerson(id) is null)
        {
            return NotFoundPerson();
        }

        roster.DeleteTemplates(id);
        audit.RecordRosterChange(user.KeyId(), "faces.delete", id);
        return TypedResults.NoContent();
    }

    public static Ok<RosterStatus> Status(RosterDatabase roster, EngineHost engine) => TypedResults.Ok(roster.GetStatus(engine.Faces?.EmbedderId));

    // application/problem+json like every other error, never a bare application/json body.
    private static ProblemHttpResult NotFoundPerson() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such person", detail: "No person with that id is on the roster.");

    private static PersonDto ToDto(Person p) => new(
        p.Id,
        p.Role == PersonRole.Staff ? "staff" : "student",
        p.GivenName,
        p.FamilyName,
        p.PreferredName,
        p.Grade?.ToString(),
        p.MediaRestriction,
        p.Emails,
        Schools: p.Schools);
}
