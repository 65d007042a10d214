using Kusd.Moderation.Storage;
using Npgsql;
using Xunit;
using Xunit.Sdk;

namespace Kusd.Moderation.TestSupport;

/// <summary>
/// Fresh databases for persistence tests: a SQLite file in a temp folder, or a new database on the
/// PostgreSQL server named by KUSD_TEST_POSTGRES (tests/postgres.sh starts one; CI always does).
/// PostgreSQL cases are reported as skipped when nobody asked for PostgreSQL, and fail when CI (or
/// KUSD_TEST_POSTGRES) asks for it and the server is not there: never a silent pass on SQLite.
/// </summary>
public static class TestDatabases
{
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("KUSD_TEST_POSTGRES");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why PostgreSQL tests are skipped here, or null when they must run.</summary>
    public static string? PostgresSkipReason =>
        PostgresConnectionString is null && !IsCi
            ? "PostgreSQL not requested: run tests/postgres.sh and export KUSD_TEST_POSTGRES (CI always does)."
            : null;

    /// <summary>The server's admin connection string; throws when PostgreSQL was asked for and is not configured.</summary>
    public static string RequirePostgres() => PostgresConnectionString
        ?? throw new InvalidOperationException("PostgreSQL is required here (CI=true) but KUSD_TEST_POSTGRES is not set: run tests/postgres.sh and export what it prints.");

    /// <summary>A new, empty PostgreSQL database; its connection string.</summary>
    public static string CreatePostgresDatabase()
    {
        var admin = RequirePostgres();
        var name = "kusd_t_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static Database Create(DatabaseProvider provider, string folder) => provider == DatabaseProvider.Sqlite
        ? Database.Sqlite(System.IO.Path.Combine(folder, "test.db"))
        : Database.PostgreSql(CreatePostgresDatabase());
}

/// <summary>Runs a theory on SQLite: one case with <see cref="DatabaseProvider.Sqlite"/>.</summary>
public sealed class SqliteDataAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[DatabaseProvider.Sqlite]];
}

/// <summary>Runs a theory on PostgreSQL, or reports it skipped (with the reason) when PostgreSQL was not asked for.</summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    public PostgresDataAttribute() => Skip = TestDatabases.PostgresSkipReason!;

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[DatabaseProvider.PostgreSql]];
}

/// <summary>A fact that needs PostgreSQL: skipped with the reason when it was not asked for, failing when asked for and absent.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = TestDatabases.PostgresSkipReason!;
}
