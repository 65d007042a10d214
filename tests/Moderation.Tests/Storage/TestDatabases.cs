using Kusd.Moderation.Storage;
using Npgsql;

namespace Kusd.Moderation.Tests.Storage;

/// <summary>
/// Fresh databases for persistence tests: a SQLite file in a temp folder, or a new database on the
/// PostgreSQL server named by KUSD_TEST_POSTGRES (tests/postgres.sh starts one; CI always does).
/// </summary>
public static class TestDatabases
{
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("KUSD_TEST_POSTGRES");

    public static IEnumerable<object[]> Providers()
    {
        yield return [DatabaseProvider.Sqlite];
        if (PostgresConnectionString is not null || IsCi)
        {
            yield return [DatabaseProvider.PostgreSql];
        }
    }

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static Database Create(DatabaseProvider provider, string folder)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            return Database.Sqlite(Path.Combine(folder, "test.db"));
        }

        var admin = PostgresConnectionString
            ?? throw new InvalidOperationException("KUSD_TEST_POSTGRES is not set: run tests/postgres.sh and export what it prints.");
        var name = "kusd_t_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }

        return Database.PostgreSql(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }
}
