using System.Data.Common;
using System.Text.Json;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Storage;

/// <summary>Counts an administrator needs, and who is not protected against photos.</summary>
public sealed record RosterStatus(
    int People,
    int Students,
    int Staff,
    int Restricted,
    int Templates,
    IReadOnlyList<string> RestrictedWithoutTemplates,
    IReadOnlyList<string> RestrictedWithFewTemplates,
    IReadOnlyList<string> RestrictedEnrolledBeforeThisSchoolYear);

/// <summary>
/// The roster and its face templates, in SQLite or PostgreSQL. Templates are encrypted with a key
/// kept outside the database and are deleted with their person. Photos are never stored. Every change
/// bumps a version row, so that several processes on one database pick up each other's changes.
/// </summary>
public sealed class RosterDatabase : IFaceTemplateStore, IRosterProvider
{
    private readonly Database _db;
    private readonly TemplateProtector _protector;
    private readonly Lock _cacheLock = new();
    private (long Version, RosterSnapshot Snapshot)? _roster;
    private (long Version, string Model, FaceTemplateSet Set)? _templates;

    public RosterDatabase(Database database, TemplateProtector protector)
    {
        _db = database ?? throw new ArgumentNullException(nameof(database));
        _protector = protector ?? throw new ArgumentNullException(nameof(protector));
        _db.Migrate(Migrations);
    }

    /// <summary>The roster's tables, for both databases.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new("roster", 1, """
            CREATE TABLE IF NOT EXISTS roster_version (id INTEGER PRIMARY KEY, version {bigint} NOT NULL);
            INSERT INTO roster_version (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;
            CREATE TABLE IF NOT EXISTS people (
                id TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                given_name TEXT NOT NULL,
                family_name TEXT NOT NULL,
                preferred_name TEXT NULL,
                grade INTEGER NULL,
                media_restriction INTEGER NOT NULL,
                emails TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS face_templates (
                id {id},
                person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                created_utc TEXT NOT NULL,
                sealed {blob} NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_face_templates_person ON face_templates (person_id)
            """),
        // The schools a person belongs to (school codes, JSON array): a check about one school compares
        // faces only with the restricted students of that school.
        new("roster", 2, """
            ALTER TABLE people ADD COLUMN schools TEXT NOT NULL DEFAULT '[]'
            """),
    ];

    /// <summary>Opens <paramref name="path"/> with the key file beside it (<c>PATH.key</c>) unless KUSD_TEMPLATE_KEY is set.</summary>
    public static RosterDatabase Open(string path) => new(Database.Sqlite(path), TemplateProtector.FromKeyFile(path + ".key"));

    /// <summary>The roster as of the latest change (re-read only when the version moved).</summary>
    public RosterSnapshot Current
    {
        get
        {
            var version = GetVersion();
            lock (_cacheLock)
            {
                if (_roster is { } cached && cached.Version == version)
                {
                    return cached.Snapshot;
                }
            }

            var snapshot = new RosterSnapshot(LoadRoster(), version);
            lock (_cacheLock)
            {
                _roster = (version, snapshot);
            }

            return snapshot;
        }
    }

    /// <summary>Replaces the roster in one transaction. Templates of people still present are kept; the rest go with their person.</summary>
    public void ReplaceRoster(Roster.Roster roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        using var connection = _db.Open();
        using var transaction = connection.BeginTransaction();
        var incoming = roster.People.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var existing = new List<string>();
        using (var command = _db.Command(connection, transaction, "SELECT id FROM people"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }

        foreach (var gone in existing.Where(id => !incoming.Contains(id)))
        {
            _db.Execute(connection, transaction, "DELETE FROM people WHERE id = @id", ("@id", gone));
        }

        foreach (var person in roster.People)
        {
            Upsert(connection, transaction, person);
        }

        BumpVersion(connection, transaction);
        transaction.Commit();
    }

    public void UpsertPerson(Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        using var connection = _db.Open();
        using var transaction = connection.BeginTransaction();
        Upsert(connection, transaction, person);
        BumpVersion(connection, transaction);
        transaction.Commit();
    }

    /// <summary>Deletes a person and, by cascade, every template of theirs.</summary>
    public bool DeletePerson(string personId)
    {
        using var connection = _db.Open();
        using var transaction = connection.BeginTransaction();
        var deleted = _db.Execute(connection, transaction, "DELETE FROM people WHERE id = @id", ("@id", personId)) > 0;
        BumpVersion(connection, transaction);
        transaction.Commit();
        return deleted;
    }

    public Person? FindPerson(string personId) => LoadRoster(personId).People.FirstOrDefault();

    public void AddTemplate(string personId, string model, ReadOnlySpan<float> embedding)
    {
        var sealedTemplate = _protector.Protect(embedding, personId, model);
        using var connection = _db.Open();
        using var transaction = connection.BeginTransaction();
        if (_db.Scalar<long>(connection, transaction, "SELECT COUNT(*) FROM people WHERE id = @id", ("@id", personId)) == 0)
        {
            throw new KeyNotFoundException("No person with that id is on the roster.");
        }

        _db.Execute(
            connection,
            transaction,
            "INSERT INTO face_templates (person_id, model, created_utc, sealed) VALUES (@person, @model, @created, @sealed)",
            ("@person", personId),
            ("@model", model),
            ("@created", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            ("@sealed", sealedTemplate));
        BumpVersion(connection, transaction);
        transaction.Commit();
    }

    public int CountTemplates(string personId, string model)
    {
        using var connection = _db.Open();
        return (int)_db.Scalar<long>(
            connection,
            null,
            "SELECT COUNT(*) FROM face_templates WHERE person_id = @person AND model = @model",
            ("@person", personId),
            ("@model", model));
    }

    public int DeleteTemplates(string personId)
    {
        using var connection = _db.Open();
        using var transaction = connection.BeginTransaction();
        var count = _db.Execute(connection, transaction, "DELETE FROM face_templates WHERE person_id = @id", ("@id", personId));
        BumpVersion(connection, transaction);
        transaction.Commit();
        return count;
    }

    /// <summary>Decrypted templates of people with a media restriction, cached until the roster changes.</summary>
    public FaceTemplateSet GetTemplates(string model, int dimension)
    {
        var version = GetVersion();
        lock (_cacheLock)
        {
            if (_templates is { } cached && cached.Version == version && cached.Model == model)
            {
                return cached.Set;
            }
        }

        var ids = new List<string>();
        var embeddings = new List<float[]>();
        using (var connection = _db.Open())
        using (var command = _db.Command(
            connection,
            null,
            """
            SELECT t.person_id, t.sealed FROM face_templates t JOIN people p ON p.id = t.person_id
            WHERE t.model = @model AND p.media_restriction = 1 ORDER BY t.id
            """,
            ("@model", model)))
        {
            
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var personId = reader.GetString(0);
                var embedding = _protector.Unprotect((byte[])reader[1], personId, model);
                if (embedding.Length == dimension)
                {
                    ids.Add(personId);
                    embeddings.Add(embedding);
                }
            }
        }

        var set = new FaceTemplateSet(model, dimension, ids, embeddings);
        lock (_cacheLock)
        {
            _templates = (version, model, set);
        }

        return set;
    }

    /// <param name="model">
    /// The embedder templates must belong to (<c>IFaceAnalyzer.EmbedderId</c>): templates of another model are
    /// never compared, so a restricted person who has only those is unprotected and is listed. Null: any model.
    /// </param>
    public RosterStatus GetStatus(string? model = null)
    {
        using var connection = _db.Open();
        var people = (int)_db.Scalar<long>(connection, null, "SELECT COUNT(*) FROM people");
        var students = (int)_db.Scalar<long>(connection, null, "SELECT COUNT(*) FROM people WHERE role = 'student'");
        var restricted = (int)_db.Scalar<long>(connection, null, "SELECT COUNT(*) FROM people WHERE media_restriction = 1");
        // PostgreSQL cannot type a NULL parameter in "@model IS NULL": the model filter is added only when given.
        var ofModel = model is null ? "" : " AND t.model = @model";
        (string, object?)[] parameters = model is null ? [] : [("@model", model)];
        var templates = (int)_db.Scalar<long>(connection, null, "SELECT COUNT(*) FROM face_templates t WHERE 1 = 1" + ofModel, parameters);
        var unprotected = new List<string>();
        using (var command = _db.Command(
            connection,
            null,
            $$"""
            SELECT id FROM people p WHERE media_restriction = 1
            AND NOT EXISTS (SELECT 1 FROM face_templates t WHERE t.person_id = p.id{{ofModel}}) ORDER BY id
            """,
            parameters))
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                unprotected.Add(reader.GetString(0));
            }
        }

        // Fewer templates than enrolment asks for, or none from this school year (from 1 July): children's faces change.
        var few = new List<string>();
        var stale = new List<string>();
        var today = DateTimeOffset.UtcNow;
        var schoolYear = new DateTimeOffset(today.Month >= 7 ? today.Year : today.Year - 1, 7, 1, 0, 0, 0, TimeSpan.Zero);
        using (var command = _db.Command(
            connection,
            null,
            $$"""
            SELECT p.id, COUNT(*), MAX(t.created_utc) FROM people p JOIN face_templates t ON t.person_id = p.id{{ofModel}}
            WHERE p.media_restriction = 1 GROUP BY p.id ORDER BY p.id
            """,
            parameters))
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (reader.GetInt64(1) < Faces.FaceEnrollment.RecommendedTemplates)
                {
                    few.Add(reader.GetString(0));
                }

                if (DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture) < schoolYear)
                {
                    stale.Add(reader.GetString(0));
                }
            }
        }

        return new RosterStatus(people, students, people - students, restricted, templates, unprotected, few, stale);
    }

    /// <summary>Grows with every change; processes sharing the file see each other's changes by it.</summary>
    public long GetVersion()
    {
        using var connection = _db.Open();
        return _db.Scalar<long>(connection, null, "SELECT version FROM roster_version WHERE id = 1");
    }

    private Roster.Roster LoadRoster(string? onlyId = null)
    {
        var people = new List<Person>();
        using var connection = _db.Open();
        using var command = _db.Command(
            connection,
            null,
            "SELECT id, role, given_name, family_name, preferred_name, grade, media_restriction, emails, schools FROM people"
                + (onlyId is null ? " ORDER BY id" : " WHERE id = @id"),
            ("@id", onlyId));

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            people.Add(new Person
            {
                Id = reader.GetString(0),
                Role = reader.GetString(1) == "staff" ? PersonRole.Staff : PersonRole.Student,
                GivenName = reader.GetString(2),
                FamilyName = reader.GetString(3),
                PreferredName = reader.IsDBNull(4) ? null : reader.GetString(4),
                Grade = reader.IsDBNull(5) ? null : new Grade(reader.GetInt32(5)),
                MediaRestriction = Convert.ToInt64(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture) != 0,
                Emails = JsonSerializer.Deserialize<string[]>(reader.GetString(7)) ?? [],
                Schools = JsonSerializer.Deserialize<string[]>(reader.GetString(8)) ?? [],
            });
        }

        return new Roster.Roster(people);
    }

    private void Upsert(DbConnection connection, DbTransaction transaction, Person person) => _db.Execute(
        connection,
        transaction,
        """
        INSERT INTO people (id, role, given_name, family_name, preferred_name, grade, media_restriction, emails, schools)
        VALUES (@id, @role, @given, @family, @preferred, @grade, @restricted, @emails, @schools)
        ON CONFLICT (id) DO UPDATE SET role = excluded.role, given_name = excluded.given_name,
            family_name = excluded.family_name, preferred_name = excluded.preferred_name, grade = excluded.grade,
            media_restriction = excluded.media_restriction, emails = excluded.emails, schools = excluded.schools
        """,
        ("@id", person.Id),
        ("@role", person.Role == PersonRole.Staff ? "staff" : "student"),
        ("@given", person.GivenName),
        ("@family", person.FamilyName),
        ("@preferred", person.PreferredName),
        ("@grade", person.Grade?.Level),
        ("@restricted", person.MediaRestriction ? 1 : 0),
        ("@emails", JsonSerializer.Serialize(person.Emails)),
        ("@schools", JsonSerializer.Serialize(person.Schools)));

    private void BumpVersion(DbConnection connection, DbTransaction transaction) =>
        _db.Execute(connection, transaction, "UPDATE roster_version SET version = version + 1 WHERE id = 1");
}
