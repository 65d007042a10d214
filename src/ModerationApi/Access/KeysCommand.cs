using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Storage;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Access;

/// <summary><c>keys create NAME --scopes check,roster</c>, <c>keys revoke ID</c>, <c>keys list</c>, on the configured database.</summary>
public static class KeysCommand
{
    // Only the storage settings come from the command line; everything else is the command's own.
    private static Dictionary<string, string?> StorageSettings(List<string> rest)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < rest.Count; i++)
        {
            if (rest[i].StartsWith("--Storage:", StringComparison.OrdinalIgnoreCase))
            {
                settings[rest[i][2..]] = rest[i + 1];
            }
        }

        return settings;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var rest = args.Skip(2).ToList();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(StorageSettings(rest))
            .Build();
        try
        {
            Infrastructure.DataLocation.Prepare(configuration);
        }
        catch (Infrastructure.DataLocationException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 2;
        }

        var persistence = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        var database = string.IsNullOrWhiteSpace(persistence.PostgresConnectionString)
            ? Database.Sqlite(Path.Combine(persistence.DataDirectory, "moderation.db"))
            : Database.PostgreSql(persistence.PostgresConnectionString);
        database.Migrate(RosterDatabase.Migrations.Concat(CheckStore.Migrations).Concat(ApiKeyStore.Migrations));
        var keys = new ApiKeyStore(database, TimeProvider.System);
        var verb = args.Length > 1 ? args[1] : "";
        switch (verb)
        {
            case "create" when rest.Count >= 1 && !rest[0].StartsWith("--", StringComparison.Ordinal):
                var scopesAt = rest.IndexOf("--scopes");
                var scopes = scopesAt >= 0 && scopesAt + 1 < rest.Count
                    ? rest[scopesAt + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [Scopes.Check];
                var schoolsAt = rest.IndexOf("--schools");
                var schools = schoolsAt >= 0 && schoolsAt + 1 < rest.Count
                    ? rest[schoolsAt + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [];
                try
                {
                    var (info, key) = keys.Create(rest[0], scopes, schools);
                    await stdout.WriteLineAsync($"Created key {info.Id} ({string.Join(",", info.Scopes)}{(info.Schools.Count > 0 ? "; schools " + string.Join(",", info.Schools) : "")}). It is shown once:");
                    await stdout.WriteLineAsync(key);
                    return 0;
                }
                catch (ArgumentException ex)
                {
                    await stderr.WriteLineAsync(ex.Message);
                    return 2;
                }

            case "revoke" when rest.Count >= 1:
                if (keys.Revoke(rest[0]))
                {
                    await stdout.WriteLineAsync($"Revoked key {rest[0]}.");
                    return 0;
                }

                await stderr.WriteLineAsync($"No active key {rest[0]}.");
                return 1;
            case "list":
                foreach (var key in keys.List())
                {
                    await stdout.WriteLineAsync($"{key.Id}\t{key.Name}\t{string.Join(",", key.Scopes)}\t{key.CreatedUtc:O}\t{(key.RevokedUtc is null ? "active" : "revoked " + key.RevokedUtc.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}\t{(key.Schools.Count > 0 ? string.Join(",", key.Schools) : "all schools")}");
                }

                return 0;
            default:
                await stderr.WriteLineAsync("usage: keys create NAME [--scopes check,roster,admin] [--schools CODE,CODE] | keys revoke ID | keys list   [--Storage:DataDirectory DIR] [--Storage:PostgresConnectionString CS]");
                return 2;
        }
    }
}
