using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Kusd.Moderation.Storage;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>One step of a component's schema, written once for both databases with placeholders.</summary>
/// <param name="Component">Whose tables these are (<c>roster</c>, <c>api</c>); each counts its versions.</param>
/// <param name="Version">1, 2, 3… applied in order, once.</param>
/// <param name="Sql">
/// Statements separated by <c>;</c>. <c>{id}</c> is an auto-incrementing primary key column type,
/// <c>{blob}</c> a byte column type, <c>{bigint}</c> a 64-bit integer.
/// </param>
public sealed record Migration(string Component, int Version, string Sql);

/// <summary>
/// A SQLite file (the default: WAL mode, created on first use) or a PostgreSQL server, behind one
/// small ADO.NET surface. SQL is written once: parameters as <c>@name</c>, the few type names that
/// differ as placeholders (see <see cref="Migration"/>).
/// </summary>
public sealed class Database
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    private Database(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        _connectionString = connectionString;
        if (provider == DatabaseProvider.PostgreSql)
        {
            _postgres = NpgsqlDataSource.Create(connectionString);
        }
    }

    public DatabaseProvider Provider { get; }

    /// <summary>A SQLite file, created with its folder on first use.</summary>
    public static Database Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            CreatePrivateDirectory(directory);
        }

        // The roster (names, emails, templates) is in this file: only its owner reads it. SQLite gives
        // the -wal and -shm files the database file's mode, so creating it 0600 covers all three.
        if (!OperatingSystem.IsWindows())
        {
            if (!File.Exists(path))
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }

            foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();
        var database = new Database(DatabaseProvider.Sqlite, connectionString);
        using var connection = database.Open();
        database.Execute(connection, null, "PRAGMA journal_mode = WAL");
        return database;
    }

    /// <summary>Creates a folder only its owner may enter (0700), or tightens one this process made before.</summary>
    public static void CreatePrivateDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var existed = Directory.Exists(directory);
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (existed && (File.GetUnixFileMode(directory) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
            && File.Exists(Path.Combine(directory, "moderation.db")))
        {
            // Our own data folder from an older version: close it to others.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>A PostgreSQL server (Npgsql connection string: <c>Host=…;Database=…;Username=…</c>).</summary>
    public static Database PostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new Database(DatabaseProvider.PostgreSql, connectionString);
    }

    public DbConnection Open()
    {
        if (_postgres is not null)
        {
            return _postgres.OpenConnection();
        }

        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL with synchronous=NORMAL cannot corrupt the file; a power cut may lose the last few
        // commits. The load test measured ~4 ms of forced disk write per check record with FULL.
        pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Applies, in one transaction each, the migrations of a component not yet applied.</summary>
    public void Migrate(IEnumerable<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        using var connection = Open();
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (component, version))");
        foreach (var migration in migrations.OrderBy(m => m.Component, StringComparer.Ordinal).ThenBy(m => m.Version))
        {
            using var transaction = connection.BeginTransaction();
            if (Provider == DatabaseProvider.PostgreSql)
            {
                // Two processes starting together must not both apply a migration.
                Execute(connection, transaction, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
            }

            var applied = Scalar<long>(connection, transaction, "SELECT COUNT(*) FROM schema_migrations WHERE component = @c AND version = @v", ("@c", migration.Component), ("@v", migration.Version));
            if (applied == 0)
            {
                foreach (var statement in migration.Sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    Execute(connection, transaction, statement);
                }

                Execute(connection, transaction, "INSERT INTO schema_migrations (component, version) VALUES (@c, @v)", ("@c", migration.Component), ("@v", migration.Version));
            }

            transaction.Commit();
        }
    }

    public int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public T Scalar<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        if (value is null or DBNull)
        {
            return default!;
        }

        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    public DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Dialect(sql);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private string Dialect(string sql) => Provider == DatabaseProvider.PostgreSql
        ? sql.Replace("{id}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", StringComparison.Ordinal)
            .Replace("{blob}", "BYTEA", StringComparison.Ordinal)
            .Replace("{bigint}", "BIGINT", StringComparison.Ordinal)
        : sql.Replace("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal)
            .Replace("{blob}", "BLOB", StringComparison.Ordinal)
            .Replace("{bigint}", "INTEGER", StringComparison.Ordinal);
}
