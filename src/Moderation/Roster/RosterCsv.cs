using System.Globalization;
using System.Text;

namespace Kusd.Moderation.Roster;

/// <summary>
/// Reads a roster: the district CSV of DESIGN.md, a OneRoster 1.1 <c>users.csv</c> (told apart by its
/// header) or a OneRoster zip. All or nothing: one bad row rejects the file with every error listed.
/// </summary>
public static class RosterCsv
{
    internal static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads CSV text (either format, detected by the header).</summary>
    public static RosterImportResult Parse(TextReader reader, ModerationOptions options, RosterImportOptions? importOptions = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        importOptions ??= RosterImportOptions.Default;
        try
        {
            return ParseText(reader, options, importOptions);
        }
        catch (DecoderFallbackException)
        {
            return RosterImportResult.Failed(RosterFormat.Kusd, new RosterImportError(0, null, "the file is not UTF-8 text"));
        }
    }

    /// <summary>Reads CSV bytes (UTF-8, with or without BOM) or a OneRoster zip holding <c>users.csv</c>.</summary>
    public static RosterImportResult Parse(Stream stream, ModerationOptions options, RosterImportOptions? importOptions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        importOptions ??= RosterImportOptions.Default;
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }

        var start = stream.Position;
        Span<byte> magic = stackalloc byte[4];
        var read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        stream.Position = start;
        if (read == 4 && magic.SequenceEqual("PK\u0003\u0004"u8))
        {
            return OneRosterZip.Read(stream, options, importOptions);
        }

        using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Parse(reader, options, importOptions);
    }

    internal static RosterImportResult ParseText(TextReader reader, ModerationOptions options, RosterImportOptions importOptions)
    {
        var csv = new CsvReader(reader);
        if (!csv.TryRead(out var headerRecord) || headerRecord.IsBlank)
        {
            return RosterImportResult.Failed(RosterFormat.Kusd, new RosterImportError(1, null, "row 1: the header row is missing"));
        }

        var header = new RosterHeader(headerRecord);
        var isOneRoster = header.Has("sourcedId") && header.Has("role") && header.Has("givenName") && header.Has("familyName");
        var format = isOneRoster ? RosterFormat.OneRoster : RosterFormat.Kusd;
        var errors = new List<RosterImportError>();
        foreach (var duplicate in header.Duplicates)
        {
            errors.Add(Error(1, duplicate, $"column '{duplicate}' appears more than once"));
        }

        string[] required = isOneRoster ? ["sourcedId", "role", "givenName", "familyName"] : ["id", "givenName", "familyName"];
        foreach (var column in required.Where(c => !header.Has(c)))
        {
            errors.Add(Error(1, column, $"the header has no '{column}' column"));
        }

        if (errors.Count > 0)
        {
            return RosterImportResult.Failed(format, [.. errors]);
        }

        var rows = new List<RosterRow>();
        foreach (var record in csv.ReadAll())
        {
            if (record.IsBlank)
            {
                continue;
            }

            if (record.Fields.Count != header.Count)
            {
                errors.Add(Error(record.Line, null, $"has {record.Fields.Count} fields, the header has {header.Count}"));
                continue;
            }

            rows.Add(new RosterRow(record, header));
        }

        if (csv.UnterminatedQuoteLine is { } open)
        {
            errors.Add(Error(open, null, "a quoted field is never closed"));
        }

        return isOneRoster
            ? OneRosterUsers.Read(rows, header, options, importOptions, errors)
            : ReadKusd(rows, options, errors);
    }

    private static RosterImportResult ReadKusd(List<RosterRow> rows, ModerationOptions options, List<RosterImportError> errors)
    {
        var people = new List<Person>(rows.Count);
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var before = errors.Count;
            var id = row.Get("id");
            if (PersonRules.CheckId(id) is { } idError)
            {
                errors.Add(Error(row.Line, "id", idError));
            }
            else if (!firstLineOfId.TryAdd(id, row.Line))
            {
                errors.Add(Error(row.Line, "id", $"id is already used on row {firstLineOfId[id]}"));
            }

            var roleText = row.Get("role");
            PersonRole role = PersonRole.Student;
            if (roleText.Length > 0 && !PersonRules.TryParseRole(roleText, out role))
            {
                errors.Add(Error(row.Line, "role", $"role '{PersonRules.Shorten(roleText)}' is not student or staff"));
            }

            var given = RequireName(row, "givenName", errors);
            var family = RequireName(row, "familyName", errors);
            var preferred = row.Get("preferredName");
            if (PersonRules.CheckOptionalName(preferred, "preferredName") is { } preferredError)
            {
                errors.Add(Error(row.Line, "preferredName", preferredError));
            }

            var gradeText = row.Get("grade");
            Grade? grade = null;
            if (gradeText.Length > 0)
            {
                if (PersonRules.TryParseGrade(gradeText, out var g))
                {
                    grade = g;
                }
                else
                {
                    errors.Add(Error(row.Line, "grade", $"grade '{PersonRules.Shorten(gradeText)}' is not {PersonRules.GradeExpectation}"));
                }
            }
            else if (role == PersonRole.Student)
            {
                errors.Add(Error(row.Line, "grade", $"grade is blank; a student needs one of {PersonRules.GradeExpectation}"));
            }

            var restricted = ReadMediaRestriction(row, "mediaRestriction", options, errors);
            var emails = ReadEmails(row, "emails", errors);
            if (errors.Count == before)
            {
                people.Add(new Person
                {
                    Id = id,
                    Role = role,
                    GivenName = given,
                    FamilyName = family,
                    PreferredName = preferred.Length > 0 ? preferred : null,
                    Grade = grade,
                    MediaRestriction = restricted,
                    Emails = emails,
                });
            }
        }

        return RosterImportResult.From(people, RosterFormat.Kusd, errors, []);
    }

    internal static string RequireName(RosterRow row, string column, List<RosterImportError> errors)
    {
        var value = row.Get(column);
        if (PersonRules.CheckName(value, column) is { } error)
        {
            errors.Add(Error(row.Line, column, error));
        }

        return value;
    }

    internal static bool ReadMediaRestriction(RosterRow row, string column, ModerationOptions options, List<RosterImportError> errors)
    {
        var text = row.Get(column);
        if (text.Length == 0)
        {
            return options.BlankMediaRestrictionMeans;
        }

        if (PersonRules.TryParseBool(text, out var value))
        {
            return value;
        }

        errors.Add(Error(row.Line, column, $"{column} '{PersonRules.Shorten(text)}' is not true, false, yes, no, 1 or 0"));
        return true;
    }

    internal static List<string> ReadEmails(RosterRow row, string column, List<RosterImportError> errors)
    {
        var result = new List<string>();
        var entry = 0;
        foreach (var part in row.Get(column).Split(';'))
        {
            var email = part.Trim();
            if (email.Length == 0)
            {
                continue;
            }

            entry++;
            if (PersonRules.LooksLikeEmail(email))
            {
                result.Add(email);
            }
            else
            {
                // The value is someone's address (or a typo of one): say which entry, never what it is.
                errors.Add(Error(row.Line, column, $"{column} entry {entry} is not an email address"));
            }
        }

        if (result.Count > PersonRules.MaxEmails)
        {
            errors.Add(Error(row.Line, column, $"{column} has more than {PersonRules.MaxEmails} addresses"));
        }

        return result;
    }

    internal static RosterImportError Error(int line, string? column, string message) =>
        new(line, column, $"row {line}: {message}");


}
