using Kusd.Moderation.Api.Persistence;
using Kusd.Moderation.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kusd.Moderation.Api.Tests;

/// <summary>Checks arriving together share a transaction, yet each is answered only once its own row is written.</summary>
public sealed class AuditWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kusd-audit-" + Guid.NewGuid().ToString("N"));
    private readonly CheckStore _store;

    public AuditWriterTests()
    {
        Directory.CreateDirectory(_directory);
        var database = Database.Sqlite(Path.Combine(_directory, "moderation.db"));
        database.Migrate(CheckStore.Migrations);
        _store = new CheckStore(database);
    }

    [Fact]
    public async Task ManyChecksAtOnceAreAllReadableOnceTheirSaveCompletes()
    {
        var writer = new AuditWriter(_store, NullLogger<AuditWriter>.Instance);

        var saves = Enumerable.Range(0, 200).Select(i => Task.Run(() => writer.SaveAsync(Record($"chk_{i:D4}")))).ToList();
        await Task.WhenAll(saves);

        Assert.All(Enumerable.Range(0, 200), i => Assert.NotNull(_store.Find($"chk_{i:D4}", includeMatches: false)));
    }

    [Fact]
    public async Task ARecordThatCannotBeWrittenFailsOnlyItsOwnCheck()
    {
        var writer = new AuditWriter(_store, NullLogger<AuditWriter>.Instance);
        await writer.SaveAsync(Record("chk_taken"));

        // The same id again violates the primary key; it goes into a batch with good records when they arrive together.
        var saves = Enumerable.Range(0, 40).Select(i => Task.Run(() => writer.SaveAsync(Record(i == 20 ? "chk_taken" : $"chk_ok_{i:D2}")))).ToList();
        var outcomes = await Task.WhenAll(saves.Select(async s =>
        {
            try
            {
                await s;
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }));

        Assert.Equal(39, outcomes.Count(ok => ok));
        Assert.All(Enumerable.Range(0, 40).Where(i => i != 20), i => Assert.NotNull(_store.Find($"chk_ok_{i:D2}", includeMatches: false)));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static CheckRecord Record(string id) => new()
    {
        Id = id,
        KeyId = "k1",
        CreatedUtc = DateTimeOffset.UtcNow,
        Decision = Decision.Approved,
        Channel = "website",
        Findings = [],
        ContentSha256 = new Dictionary<string, string>(),
        Models = new Dictionary<string, string>(),
        Timings = new Dictionary<string, double>(),
    };
}
