using Kusd.Moderation.Storage;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Persistence;

public sealed class PersistenceOptions
{
    public const string SectionName = "Storage";

    /// <summary>Folder of the SQLite database, the template key and the first admin key; created on first start (see <see cref="Infrastructure.DataLocation"/>).</summary>
    public string DataDirectory { get; set; } = Infrastructure.DataLocation.Default;

    /// <summary>When set (Npgsql syntax), PostgreSQL is used instead of the SQLite file.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Keep the submitted text of each check in its record. Off: only hashes are kept.</summary>
    public bool RetainContent { get; set; }
}

public static class PersistenceExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        services.AddOptions<PersistenceOptions>().BindConfiguration(PersistenceOptions.SectionName).ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            Database.CreatePrivateDirectory(options.DataDirectory);
            var database = string.IsNullOrWhiteSpace(options.PostgresConnectionString)
                ? Database.Sqlite(Path.Combine(options.DataDirectory, "moderation.db"))
                : Database.PostgreSql(options.PostgresConnectionString);
            database.Migrate(RosterDatabase.Migrations.Concat(CheckStore.Migrations).Concat(Access.ApiKeyStore.Migrations));
            return database;
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            return new RosterDatabase(
                sp.GetRequiredService<Database>(),
                TemplateProtector.FromKeyFile(Path.Combine(options.DataDirectory, "template.key")));
        });
        services.AddSingleton<CheckStore>();
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<Access.ApiKeyStore>();
        return services;
    }
}
