using System.Globalization;
using System.Text;

namespace Kusd.Moderation.Roster;

/// <summary>
/// What a person's fields must be, whatever door they come in by: the district CSV, OneRoster, or the
/// API's <c>PUT /v1/roster/people/{id}</c>. One home, so the doors cannot accept different people.
/// </summary>
public static class PersonRules
{
    public const string GradeExpectation = "PK, 4K, KG, K, 1-12 or 01-12";

    /// <summary>Longest id: district and OneRoster ids (numbers, GUIDs) are far shorter.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest name part; longer is a pasted document, not a name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Most email addresses of one person (the student's and the family's).</summary>
    public const int MaxEmails = 20;

    /// <summary>
    /// Why an id cannot be used, or null. Ids are ASCII letters, digits and <c>- _ . :</c> only: an id with
    /// an invisible character or a look-alike letter (Cyrillic S for Latin S) would be a second person that
    /// looks the same on screen as the first.
    /// </summary>
    public static string? CheckId(string id, string column = "id")
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0)
        {
            return $"{column} is blank";
        }

        if (id.Length > MaxIdLength)
        {
            return $"{column} is longer than {MaxIdLength} characters";
        }

        return id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? null
            : $"{column} may use only the letters A-Z, digits and - _ . : (no spaces, invisible or look-alike characters)";
    }

    /// <summary>Most school codes on one person, check or API key.</summary>
    public const int MaxSchools = 100;

    /// <summary>Why a list of school codes (a person's, a check's or a key's) cannot be used, or null.</summary>
    public static string? CheckSchools(IReadOnlyList<string>? schools) =>
        schools is not null && (schools.Count > MaxSchools || schools.Any(school => school is null || CheckId(school, "schools") is not null))
            ? $"At most {MaxSchools} school codes, each of ASCII letters, digits and - _ . :"
            : null;

    /// <summary>Why a required name part cannot be used, or null.</summary>
    public static string? CheckName(string value, string column)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return $"{column} is blank";
        }

        return CheckOptionalName(value, column);
    }

    /// <summary>Why an optional name part (a preferred name) cannot be used, or null.</summary>
    public static string? CheckOptionalName(string value, string column)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxNameLength)
        {
            return $"{column} is longer than {MaxNameLength} characters";
        }

        // Line breaks and tabs (a quoted CSV cell may hold them) read as spaces; other control characters hide text.
        return value.Any(c => (char.IsControl(c) && !char.IsWhiteSpace(c)) || c == '\uFFFD') ? $"{column} holds control characters or undecodable bytes" : null;
    }

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

    public static bool TryParseBool(string text, out bool value)
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

    public static bool TryParseRole(string text, out PersonRole role)
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
    public static bool LooksLikeEmail(string text)
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
    public static string Shorten(string value)
    {
        var v = value.Trim();
        var codeLike = v.Length <= 3 || (v.Length <= 12 && v.Any(char.IsAsciiDigit) && !v.Contains('@', StringComparison.Ordinal));
        return codeLike ? v : "(value not shown)";
    }
}
