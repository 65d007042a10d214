using System.Text.Json;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Roster;
using Microsoft.Data.Sqlite;

namespace Kusd.Moderation.Storage;

/// <summary>Counts an administrator needs, and who is not protected against photos.</summary>
public sealed record RosterStatus(
    int People,
    int Students,
    int Staff,
    int Restricted,
    int Templates,
    IReadOnlyList<string> RestrictedWithoutTemplates);

/// <summary>
/// The roster and its face templates in a SQLite file (WAL mode). Templates are encrypted with a key
/// kept outside the database and are deleted with their person. Photos are never stored.
/// </summary>
public sealed class RosterDatabase : IFaceTemplateProvider, IRosterProvider
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;
    private readonly TemplateProtector _protector;
    private readonly Lock _cacheLock = new();
    private (long Version, RosterSnapshot Snapshot)? _roster;
    private (long Version, string Model, FaceTemplateSet Set)? _templates;

    public RosterDatabase(string path, TemplateProtector protector)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _protector = protector ?? throw new ArgumentNullException(nameof(protector));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();
        Migrate();
    }

    /// <summary>Opens <paramref name="path"/> with the key file beside it (<c>PATH.key</c>) unless KUSD_TEMPLATE_KEY is set.</summary>
    public static RosterDatabase Open(string path) => new(path, TemplateProtector.FromKeyFile(path + ".key"));

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
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "CREATE TEMP TABLE incoming (id TEXT PRIMARY KEY)");
        foreach (var person in roster.People)
        {
            Upsert(connection, transaction, person);
            Execute(connection, transaction, "INSERT OR IGNORE INTO incoming (id) VALUES (@id)", ("@id", person.Id));
        }

        Execute(connection, transaction, "DELETE FROM people WHERE id NOT IN (SELECT id FROM incoming)");
        Execute(connection, transaction, "DROP TABLE incoming");
        BumpVersion(connection, transaction);
        transaction.Commit();
    }

    public void UpsertPerson(Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        Upsert(connection, transaction, person);
        BumpVersion(connection, transaction);
        transaction.Commit();
    }

    /// <summary>Deletes a person and, by cascade, every template of theirs.</summary>
    public bool DeletePerson(string personId)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        var deleted = Execute(connection, transaction, "DELETE FROM people WHERE id = @id", ("@id", personId)) > 0;
        BumpVersion(connection, transaction);
        transaction.Commit();
        return deleted;
    }

    public Person? FindPerson(string personId) => LoadRoster(personId).People.FirstOrDefault();

    public void AddTemplate(string personId, string model, ReadOnlySpan<float> embedding)
    {
        var sealedTemplate = _protector.Protect(embedding, personId, model);
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        if (Scalar<long>(connection, transaction, "SELECT COUNT(*) FROM people WHERE id = @id", ("@id", personId)) == 0)
        {
            throw new KeyNotFoundException("No person with that id is on the roster.");
        }

        Execute(
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

    public int DeleteTemplates(string personId)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        var count = Execute(connection, transaction, "DELETE FROM face_templates WHERE person_id = @id", ("@id", personId));
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
        using (var connection = OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT t.person_id, t.sealed FROM face_templates t JOIN people p ON p.id = t.person_id
                WHERE t.model = @model AND p.media_restriction = 1 ORDER BY t.id
                """;
            command.Parameters.AddWithValue("@model", model);
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

    public RosterStatus GetStatus()
    {
        using var connection = OpenConnection();
        var people = (int)Scalar<long>(connection, null, "SELECT COUNT(*) FROM people");
        var students = (int)Scalar<long>(connection, null, "SELECT COUNT(*) FROM people WHERE role = 'student'");
        var restricted = (int)Scalar<long>(connection, null, "SELECT COUNT(*) FROM people WHERE media_restriction = 1");
        var templates = (int)Scalar<long>(connection, null, "SELECT COUNT(*) FROM face_templates");
        var unprotected = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT id FROM people p WHERE media_restriction = 1
                AND NOT EXISTS (SELECT 1 FROM face_templates t WHERE t.person_id = p.id) ORDER BY id
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                unprotected.Add(reader.GetString(0));
            }
        }

        return new RosterStatus(people, students, people - students, restricted, templates, unprotected);
    }

    /// <summary>Grows with every change; processes sharing the file see each other's changes by it.</summary>
    public long GetVersion()
    {
        using var connection = OpenConnection();
        return Scalar<long>(connection, null, "SELECT version FROM roster_version WHERE id = 1");
    }

    private Roster.Roster LoadRoster(string? onlyId = null)
    {
        var people = new List<Person>();
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, role, given_name, family_name, preferred_name, grade, media_restriction, emails FROM people"
            + (onlyId is null ? " ORDER BY id" : " WHERE id = @id");
        if (onlyId is not null)
        {
            command.Parameters.AddWithValue("@id", onlyId);
        }

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
                MediaRestriction = reader.GetInt64(6) != 0,
                Emails = JsonSerializer.Deserialize<string[]>(reader.GetString(7)) ?? [],
            });
        }

        return new Roster.Roster(people);
    }

    private static void Upsert(SqliteConnection connection, SqliteTransaction transaction, Person person) => Execute(
        connection,
        transaction,
        """
        INSERT INTO people (id, role, given_name, family_name, preferred_name, grade, media_restriction, emails)
        VALUES (@id, @role, @given, @family, @preferred, @grade, @restricted, @emails)
        ON CONFLICT (id) DO UPDATE SET role = excluded.role, given_name = excluded.given_name,
            family_name = excluded.family_name, preferred_name = excluded.preferred_name, grade = excluded.grade,
            media_restriction = excluded.media_restriction, emails = excluded.emails
        """,
        ("@id", person.Id),
        ("@role", person.Role == PersonRole.Staff ? "staff" : "student"),
        ("@given", person.GivenName),
        ("@family", person.FamilyName),
        ("@preferred", person.PreferredName),
        ("@grade", person.Grade?.Level),
        ("@restricted", person.MediaRestriction ? 1 : 0),
        ("@emails", JsonSerializer.Serialize(person.Emails)));

    private void Migrate()
    {
        using var connection = OpenConnection();
        Execute(connection, null, "PRAGMA journal_mode = WAL");
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS roster_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
            INSERT OR IGNORE INTO roster_version (id, version) VALUES (1, 0);
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
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                created_utc TEXT NOT NULL,
                sealed BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_face_templates_person ON face_templates (person_id);
            """);
        var version = Scalar<long?>(connection, transaction, "SELECT MAX(version) FROM schema_version") ?? 0;
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"The roster database has schema {version}, newer than this program ({SchemaVersion}).");
        }

        if (version < SchemaVersion)
        {
            Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (@v)", ("@v", SchemaVersion));
        }

        transaction.Commit();
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static void BumpVersion(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, transaction, "UPDATE roster_version SET version = version + 1 WHERE id = 1");

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
