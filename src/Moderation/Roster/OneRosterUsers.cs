namespace Kusd.Moderation.Roster;

/// <summary>
/// OneRoster 1.1 <c>users.csv</c>. Students and staff become people; guardians, parents and relatives
/// are not people of the roster, but their email addresses attach to the students that
/// <c>agentSourcedIds</c> links them to (either side may carry the link). Unlinked guardian rows are
/// ignored and counted in a note.
/// </summary>
internal static class OneRosterUsers
{
    public static RosterImportResult Read(
        List<RosterRow> rows, RosterHeader header, ModerationOptions options, RosterImportOptions importOptions, List<RosterImportError> errors)
    {
        var notes = new List<string>();
        var mediaColumn = importOptions.OneRosterMediaRestrictionColumn;
        var hasMediaColumn = header.Has(mediaColumn);
        if (!hasMediaColumn)
        {
            notes.Add($"no '{mediaColumn}' column: every student's media restriction is {(options.BlankMediaRestrictionMeans ? "true" : "false")} (the blank rule)");
        }

        var students = new Dictionary<string, (Person Person, List<string> Agents, List<string> Emails)>(StringComparer.Ordinal);
        var guardians = new Dictionary<string, (List<string> Emails, List<string> Agents)>(StringComparer.Ordinal);
        var people = new List<(string Id, Person Person)>();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var row in rows)
        {
            if (row.Get("status").Equals("tobedeleted", StringComparison.OrdinalIgnoreCase))
            {
                deleted++;
                continue;
            }

            var before = errors.Count;
            var id = row.Get("sourcedId");
            if (PersonRules.CheckId(id, "sourcedId") is { } idError)
            {
                errors.Add(RosterCsv.Error(row.Line, "sourcedId", idError));
            }
            else if (!firstLineOfId.TryAdd(id, row.Line))
            {
                errors.Add(RosterCsv.Error(row.Line, "sourcedId", $"sourcedId is already used on row {firstLineOfId[id]}"));
            }

            var role = row.Get("role").ToUpperInvariant();
            var agents = SplitList(row.Get("agentSourcedIds"));
            var emails = RosterCsv.ReadEmails(row, "email", errors);
            switch (role)
            {
                case "GUARDIAN" or "PARENT" or "RELATIVE":
                    if (errors.Count == before)
                    {
                        guardians[id] = (emails, agents);
                    }

                    continue;
                case "STUDENT" or "TEACHER" or "ADMINISTRATOR" or "AIDE" or "PROCTOR":
                    break;
                default:
                    errors.Add(RosterCsv.Error(row.Line, "role", $"role '{PersonRules.Shorten(row.Get("role"))}' is not a OneRoster 1.1 role"));
                    continue;
            }

            var isStudent = role == "STUDENT";
            var given = RosterCsv.RequireName(row, "givenName", errors);
            var family = RosterCsv.RequireName(row, "familyName", errors);
            // OneRoster 1.2 added preferredFirstName; some 1.1 exports carry it early.
            var preferred = row.Get("preferredFirstName") is { Length: > 0 } p ? p : row.Get("preferredGivenName");
            Grade? grade = null;
            var gradeText = SplitList(row.Get("grades")).FirstOrDefault() ?? string.Empty;
            if (gradeText.Length > 0)
            {
                if (PersonRules.TryParseGrade(gradeText, out var g))
                {
                    grade = g;
                }
                else
                {
                    errors.Add(RosterCsv.Error(row.Line, "grades", $"grade '{PersonRules.Shorten(gradeText)}' is not {PersonRules.GradeExpectation}"));
                }
            }
            else if (isStudent)
            {
                errors.Add(RosterCsv.Error(row.Line, "grades", $"grades is blank; a student needs one of {PersonRules.GradeExpectation}"));
            }

            var restricted = isStudent
                ? RosterCsv.ReadMediaRestriction(row, hasMediaColumn ? mediaColumn : "\u0000absent", options, errors)
                : false;
            if (errors.Count != before)
            {
                continue;
            }

            var person = new Person
            {
                Id = id,
                Role = isStudent ? PersonRole.Student : PersonRole.Staff,
                GivenName = given,
                FamilyName = family,
                PreferredName = preferred.Length > 0 ? preferred : null,
                Grade = grade,
                MediaRestriction = restricted,
                Emails = emails,
            };
            people.Add((id, person));
            if (isStudent)
            {
                students[id] = (person, agents, emails);
            }
        }

        var unlinked = 0;
        foreach (var (guardianId, guardian) in guardians)
        {
            var linked = false;
            foreach (var studentId in guardian.Agents)
            {
                if (students.TryGetValue(studentId, out var s))
                {
                    s.Emails.AddRange(guardian.Emails);
                    linked = true;
                }
            }

            foreach (var s in students.Values.Where(s => s.Agents.Contains(guardianId, StringComparer.Ordinal)))
            {
                s.Emails.AddRange(guardian.Emails);
                linked = true;
            }

            unlinked += linked ? 0 : 1;
        }

        if (unlinked > 0)
        {
            notes.Add($"{unlinked} guardian/parent/relative rows are linked to no student by agentSourcedIds and were ignored");
        }

        if (deleted > 0)
        {
            notes.Add($"{deleted} rows with status tobedeleted were skipped");
        }

        var result = people.Select(p => p.Person is { IsStudent: true } student
            ? student with { Emails = [.. students[p.Id].Emails.Distinct(StringComparer.OrdinalIgnoreCase)] }
            : p.Person).ToList();
        return RosterImportResult.From(result, RosterFormat.OneRoster, errors, notes);
    }

    // OneRoster list cells ("agentSourcedIds", "grades") are comma-separated inside one quoted field.
    private static List<string> SplitList(string cell) =>
        [.. cell.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
