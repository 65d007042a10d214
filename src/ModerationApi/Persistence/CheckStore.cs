using System.Globalization;
using System.Text.Json;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Storage;

namespace Kusd.Moderation.Api.Persistence;

/// <summary>Who matched a face in a check: for roster administrators only, deleted with the person.</summary>
/// <param name="InReviewBand">The face only resembles the person (a warning for review), rather than matching them.</param>
public sealed record FaceMatchRecord(string Field, ImageRegion Region, string PersonId, double Similarity, bool InReviewBand = false);

/// <summary>
/// The audit record of one check: who asked, when, the decision and findings (without the submitted
/// text: no evidence, no replacement), content hashes, models and timings.
/// </summary>
public sealed record CheckRecord
{
    public required string Id { get; init; }
    public required string KeyId { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required Decision Decision { get; init; }
    public required string Channel { get; init; }
    public required IReadOnlyList<Finding> Findings { get; init; }
    public required IReadOnlyDictionary<string, string> ContentSha256 { get; init; }
    public required IReadOnlyDictionary<string, string> Models { get; init; }
    public required IReadOnlyDictionary<string, double> Timings { get; init; }

    /// <summary>Only for roster administrators; never in a verdict.</summary>
    public IReadOnlyList<FaceMatchRecord>? Matches { get; init; }

    /// <summary>The submitted fields, only when retention is turned on.</summary>
    public IReadOnlyDictionary<string, string>? Content { get; init; }
}

/// <summary>A person's decision to publish despite a check's verdict, with the written reason.</summary>
public sealed record CheckOverride(string CheckId, string KeyId, DateTimeOffset CreatedUtc, string User, string Reason);

/// <summary>Check, override and roster-change audit records.</summary>
public sealed class CheckStore(Database database)
{
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new("api", 1, """
            CREATE TABLE IF NOT EXISTS checks (
                id TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                created_utc TEXT NOT NULL,
                decision TEXT NOT NULL,
                record TEXT NOT NULL,
                content TEXT NULL);
            CREATE INDEX IF NOT EXISTS ix_checks_created ON checks (created_utc);
            CREATE TABLE IF NOT EXISTS check_matches (
                check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
                person_id TEXT NOT NULL,
                record TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_check_matches_person ON check_matches (person_id);
            CREATE TABLE IF NOT EXISTS roster_audit (
                id {id},
                at_utc TEXT NOT NULL,
                key_id TEXT NOT NULL,
                action TEXT NOT NULL,
                person_id TEXT NULL,
                detail TEXT NULL)
            """),
        new("api-overrides", 1, """
            CREATE TABLE IF NOT EXISTS check_overrides (
                id {id},
                check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
                key_id TEXT NOT NULL,
                created_utc TEXT NOT NULL,
                user_name TEXT NOT NULL,
                reason TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_check_overrides_check ON check_overrides (check_id)
            """),
    ];

    public void Save(CheckRecord record) => SaveAll([record]);

    /// <summary>Several records in one transaction (<see cref="AuditWriter"/> groups the checks that arrive together).</summary>
    public void SaveAll(IReadOnlyList<CheckRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        foreach (var record in records)
        {
            var stored = record with { Matches = null, Content = null };
            database.Execute(
                connection,
                transaction,
                "INSERT INTO checks (id, key_id, created_utc, decision, record, content) VALUES (@id, @key, @created, @decision, @record, @content)",
                ("@id", record.Id),
                ("@key", record.KeyId),
                ("@created", record.CreatedUtc.ToString("O", CultureInfo.InvariantCulture)),
                ("@decision", Content.WireNames.Of(record.Decision)),
                ("@record", JsonSerializer.Serialize(stored, ModerationJson.Options)),
                ("@content", record.Content is null ? null : JsonSerializer.Serialize(record.Content, ModerationJson.Options)));
            foreach (var match in record.Matches ?? [])
            {
                database.Execute(
                    connection,
                    transaction,
                    "INSERT INTO check_matches (check_id, person_id, record) VALUES (@check, @person, @record)",
                    ("@check", record.Id),
                    ("@person", match.PersonId),
                    ("@record", JsonSerializer.Serialize(match, ModerationJson.Options)));
            }
        }

        transaction.Commit();
    }

    public CheckRecord? Find(string id, bool includeMatches)
    {
        using var connection = database.Open();
        CheckRecord? record;
        using (var command = database.Command(connection, null, "SELECT record, content FROM checks WHERE id = @id", ("@id", id)))
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            record = JsonSerializer.Deserialize<CheckRecord>(reader.GetString(0), ModerationJson.Options);
            if (record is not null && !reader.IsDBNull(1))
            {
                record = record with { Content = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1), ModerationJson.Options) };
            }
        }

        if (record is null || !includeMatches)
        {
            return record;
        }

        var matches = new List<FaceMatchRecord>();
        using (var command = database.Command(connection, null, "SELECT record FROM check_matches WHERE check_id = @id", ("@id", id)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                matches.Add(JsonSerializer.Deserialize<FaceMatchRecord>(reader.GetString(0), ModerationJson.Options)!);
            }
        }

        return record with { Matches = matches };
    }

    /// <summary>Records that a person published a check's content against its decision, and why.</summary>
    public CheckOverride SaveOverride(string checkId, string keyId, string user, string reason)
    {
        var at = DateTimeOffset.UtcNow;
        using var connection = database.Open();
        database.Execute(
            connection,
            null,
            "INSERT INTO check_overrides (check_id, key_id, created_utc, user_name, reason) VALUES (@check, @key, @at, @user, @reason)",
            ("@check", checkId),
            ("@key", keyId),
            ("@at", at.ToString("O", CultureInfo.InvariantCulture)),
            ("@user", user),
            ("@reason", reason));
        return new CheckOverride(checkId, keyId, at, user, reason);
    }

    public IReadOnlyList<CheckOverride> OverridesOf(string checkId)
    {
        var overrides = new List<CheckOverride>();
        using var connection = database.Open();
        using var command = database.Command(connection, null, "SELECT key_id, created_utc, user_name, reason FROM check_overrides WHERE check_id = @id ORDER BY id", ("@id", checkId));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            overrides.Add(new CheckOverride(checkId, reader.GetString(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3)));
        }

        return overrides;
    }

    public void RecordRosterChange(string keyId, string action, string? personId, string? detail = null)
    {
        using var connection = database.Open();
        database.Execute(
            connection,
            null,
            "INSERT INTO roster_audit (at_utc, key_id, action, person_id, detail) VALUES (@at, @key, @action, @person, @detail)",
            ("@at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            ("@key", keyId),
            ("@action", action),
            ("@person", personId),
            ("@detail", detail));
    }

    /// <summary>Removes every stored trace of a person: face matches, and their id from roster audit rows.</summary>
    public void ForgetPerson(string personId)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        database.Execute(connection, transaction, "DELETE FROM check_matches WHERE person_id = @id", ("@id", personId));
        database.Execute(connection, transaction, "UPDATE roster_audit SET person_id = NULL WHERE person_id = @id", ("@id", personId));
        transaction.Commit();
    }

    public static IReadOnlyList<FaceMatchRecord> MatchesOf(IEnumerable<FaceMatch> matches) =>
        [.. matches.Select(m => new FaceMatchRecord(m.Field, m.Region, m.PersonId, Math.Round(m.Similarity, 4), m.InReviewBand))];
}
