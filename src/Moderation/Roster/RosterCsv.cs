using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Kusd.Moderation.Roster;

/// <summary>
/// Reads a roster: the district CSV of DESIGN.md, a OneRoster 1.1 <c>users.csv</c> (told apart by its
/// header) or a OneRoster zip. All or nothing: one bad row rejects the file with every error listed.
/// </summary>
public static class RosterCsv
{
    internal const string GradeExpectation = "PK, 4K, KG, K, 1-12 or 01-12";

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
            return ParseZip(stream, options, importOptions);
        }

        using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Parse(reader, options, importOptions);
    }

    private static RosterImportResult ParseZip(Stream stream, ModerationOptions options, RosterImportOptions importOptions)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "the zip file is damaged"));
        }

        using (zip)
        {
            var users = zip.Entries.FirstOrDefault(e => e.FullName.Equals("users.csv", StringComparison.OrdinalIgnoreCase))
                        ?? zip.Entries.FirstOrDefault(e => e.Name.Equals("users.csv", StringComparison.OrdinalIgnoreCase));
            if (users is null)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "the zip holds no OneRoster users.csv"));
            }

            if (users.Length > importOptions.MaxZipEntryBytes)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, "users.csv", "users.csv is larger than the configured limit"));
            }

            var hasManifest = zip.Entries.Any(e => e.Name.Equals("manifest.csv", StringComparison.OrdinalIgnoreCase));
            try
            {
                // The declared size can lie; the reader stops at the limit whatever the header says.
                using var entry = new LimitedReadStream(users.Open(), importOptions.MaxZipEntryBytes);
                using var reader = new StreamReader(entry, StrictUtf8, detectEncodingFromByteOrderMarks: true);
                var result = ParseText(reader, options, importOptions);
                if (result.Format != RosterFormat.OneRoster && result.Succeeded)
                {
                    return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(1, null, "row 1: users.csv in the zip does not have a OneRoster header"));
                }

                return hasManifest || !result.Succeeded
                    ? result
                    : RosterImportResult.From([.. result.Roster!.People], result.Format, [], [.. result.Notes, "the zip has no manifest.csv; users.csv was read anyway"]);
            }
            catch (DecoderFallbackException)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "users.csv is not UTF-8 text"));
            }
            catch (InvalidDataException)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "the zip file is damaged"));
            }
            catch (LimitedReadStream.LimitExceededException)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, "users.csv", "users.csv is larger than the configured limit"));
            }
        }
    }

    private static RosterImportResult ParseText(TextReader reader, ModerationOptions options, RosterImportOptions importOptions)
    {
        var csv = new CsvReader(reader);
        if (!csv.TryRead(out var headerRecord) || headerRecord.IsBlank)
        {
            return RosterImportResult.Failed(RosterFormat.Kusd, new RosterImportError(1, null, "row 1: the header row is missing"));
        }

        var header = new Header(headerRecord);
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

        var rows = new List<Row>();
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

            rows.Add(new Row(record, header));
        }

        if (csv.UnterminatedQuoteLine is { } open)
        {
            errors.Add(Error(open, null, "a quoted field is never closed"));
        }

        return isOneRoster
            ? OneRosterUsers.Read(rows, header, options, importOptions, errors)
            : ReadKusd(rows, options, errors);
    }

    private static RosterImportResult ReadKusd(List<Row> rows, ModerationOptions options, List<RosterImportError> errors)
    {
        var people = new List<Person>(rows.Count);
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var before = errors.Count;
            var id = row.Get("id");
            if (id.Length == 0)
            {
                errors.Add(Error(row.Line, "id", "id is blank"));
            }
            else if (!firstLineOfId.TryAdd(id, row.Line))
            {
                errors.Add(Error(row.Line, "id", $"id is already used on row {firstLineOfId[id]}"));
            }

            var roleText = row.Get("role");
            PersonRole role = PersonRole.Student;
            if (roleText.Length > 0 && !TryParseRole(roleText, out role))
            {
                errors.Add(Error(row.Line, "role", $"role '{Shorten(roleText)}' is not student or staff"));
            }

            var given = RequireName(row, "givenName", errors);
            var family = RequireName(row, "familyName", errors);
            var preferred = row.Get("preferredName");

            var gradeText = row.Get("grade");
            Grade? grade = null;
            if (gradeText.Length > 0)
            {
                if (TryParseGrade(gradeText, out var g))
                {
                    grade = g;
                }
                else
                {
                    errors.Add(Error(row.Line, "grade", $"grade '{Shorten(gradeText)}' is not {GradeExpectation}"));
                }
            }
            else if (role == PersonRole.Student)
            {
                errors.Add(Error(row.Line, "grade", $"grade is blank; a student needs one of {GradeExpectation}"));
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

    internal static string RequireName(Row row, string column, List<RosterImportError> errors)
    {
        var value = row.Get(column);
        if (value.Length == 0)
        {
            errors.Add(Error(row.Line, column, $"{column} is blank"));
        }

        return value;
    }

    internal static bool ReadMediaRestriction(Row row, string column, ModerationOptions options, List<RosterImportError> errors)
    {
        var text = row.Get(column);
        if (text.Length == 0)
        {
            return options.BlankMediaRestrictionMeans;
        }

        if (TryParseBool(text, out var value))
        {
            return value;
        }

        errors.Add(Error(row.Line, column, $"{column} '{Shorten(text)}' is not true, false, yes, no, 1 or 0"));
        return true;
    }

    internal static List<string> ReadEmails(Row row, string column, List<RosterImportError> errors)
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
            if (LooksLikeEmail(email))
            {
                result.Add(email);
            }
            else
            {
                // The value is someone's address (or a typo of one): say which entry, never what it is.
                errors.Add(Error(row.Line, column, $"{column} entry {entry} is not an email address"));
            }
        }

        return result;
    }

    internal static RosterImportError Error(int line, string? column, string message) =>
        new(line, column, $"row {line}: {message}");

    /// <summary>PK/4K = -1, KG/K = 0, 1-12 and 01-12 (OneRoster codes and the ones people type).</summary>
    public static bool TryParseGrade(string text, out Grade grade)
    {
        ArgumentNullException.ThrowIfNull(text);
        grade = default;
        var t = text.Trim();
        switch (t.ToUpperInvariant())
        {
            case "PK" or "4K":
                grade = Grade.PreKindergarten;
                return true;
            case "KG" or "K":
                grade = Grade.Kindergarten;
                return true;
        }

        if (t.Length is 1 or 2 && t.All(char.IsAsciiDigit)
            && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 12)
        {
            grade = new Grade(level);
            return true;
        }

        return false;
    }

    internal static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRUE" or "YES" or "1" or "Y":
                value = true;
                return true;
            case "FALSE" or "NO" or "0" or "N":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryParseRole(string text, out PersonRole role)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "STUDENT":
                role = PersonRole.Student;
                return true;
            case "STAFF":
                role = PersonRole.Staff;
                return true;
            default:
                role = PersonRole.Student;
                return false;
        }
    }

    /// <summary>Loose on purpose: one @, something before it, a dotted domain after it, no spaces.</summary>
    internal static bool LooksLikeEmail(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != text.LastIndexOf('@') || text.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var domain = text.AsSpan(at + 1);
        var dot = domain.IndexOf('.');
        return dot > 0 && dot < domain.Length - 1 && !domain.Contains("..", StringComparison.Ordinal);
    }

    // Cell values in messages are codes (grades, flags), but a misplaced column could put a name there:
    // a value is echoed only when it is too short or too numeric to be one.
    internal static string Shorten(string value)
    {
        var v = value.Trim();
        var codeLike = v.Length <= 3 || (v.Length <= 12 && v.Any(char.IsAsciiDigit) && !v.Contains('@', StringComparison.Ordinal));
        return codeLike ? v : "(value not shown)";
    }

    internal sealed class Header
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

        public Header(CsvRecord record)
        {
            Count = record.Fields.Count;
            for (var i = 0; i < record.Fields.Count; i++)
            {
                var name = record.Fields[i].Trim();
                if (name.Length > 0 && !_index.TryAdd(name, i) && !Duplicates.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    Duplicates.Add(name);
                }
            }
        }

        public int Count { get; }

        public List<string> Duplicates { get; } = [];

        public bool Has(string column) => _index.ContainsKey(column);

        public int IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : -1;
    }

    internal sealed class Row(CsvRecord record, Header header)
    {
        public int Line => record.Line;

        /// <summary>The trimmed cell, or empty when the column is absent.</summary>
        public string Get(string column)
        {
            var i = header.IndexOf(column);
            return i < 0 ? string.Empty : record.Fields[i].Trim();
        }
    }
}
