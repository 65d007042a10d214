using System.Security.Cryptography;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Storage;
using Kusd.Moderation.TestSupport;
using Microsoft.Data.Sqlite;

namespace Kusd.Moderation.Storage.Tests;

public sealed class RosterDatabaseTests : IDisposable
{
    private const string Model = "test-embedder@000000000000";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kusd-roster-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void TemplatesAreStoredEncryptedAndComeBackForRestrictedPeopleOnly()
    {
        var path = Path.Combine(_folder, "roster.db");
        var database = RosterDatabase.Open(path);
        database.ReplaceRoster(new Roster.Roster([Student("S1", restricted: true), Student("S2", restricted: false)]));
        var restricted = UnitVector(8, seed: 1);
        database.AddTemplate("S1", Model, restricted);
        database.AddTemplate("S2", Model, UnitVector(8, seed: 2));

        var set = database.GetTemplates(Model, 8);

        Assert.Equal(["S1"], set.PersonIds);
        Assert.Equal(1f, set.Index.Best(restricted).Similarity, 4);
        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(-1, IndexOf(bytes, AsBytes(restricted)));
    }

    [Theory]
    [SqliteData]
    [PostgresData]
    public void DeletingAPersonDeletesTheirTemplates(DatabaseProvider provider)
    {
        var database = Open(provider);
        database.ReplaceRoster(new Roster.Roster([Student("S1", restricted: true)]));
        database.AddTemplate("S1", Model, UnitVector(8, seed: 1));

        Assert.True(database.DeletePerson("S1"));

        Assert.Equal(0, database.GetStatus().Templates);
        Assert.Equal(0, database.GetTemplates(Model, 8).Count);
    }

    [Theory]
    [SqliteData]
    [PostgresData]
    public void ReplacingTheRosterKeepsTemplatesOfPeopleStillPresent(DatabaseProvider provider)
    {
        var database = Open(provider);
        database.ReplaceRoster(new Roster.Roster([Student("S1", restricted: true), Student("S2", restricted: true)]));
        database.AddTemplate("S1", Model, UnitVector(8, seed: 1));
        database.AddTemplate("S2", Model, UnitVector(8, seed: 2));

        database.ReplaceRoster(new Roster.Roster([Student("S1", restricted: true)]));

        Assert.Equal(["S1"], database.GetTemplates(Model, 8).PersonIds);
        Assert.Single(database.Current.Roster.People);
    }

    [Theory]
    [SqliteData]
    [PostgresData]
    public void StatusListsRestrictedPeopleWithoutTemplates(DatabaseProvider provider)
    {
        var database = Open(provider);
        database.ReplaceRoster(new Roster.Roster([Student("S1", restricted: true), Student("S2", restricted: true), Student("S3", restricted: false)]));
        database.AddTemplate("S1", Model, UnitVector(8, seed: 1));

        var status = database.GetStatus();

        Assert.Equal(3, status.People);
        Assert.Equal(2, status.Restricted);
        Assert.Equal(["S2"], status.RestrictedWithoutTemplates);
    }

    [Theory]
    [SqliteData]
    [PostgresData]
    public void EnrollingAnUnknownPersonIsRefused(DatabaseProvider provider)
    {
        var database = Open(provider);

        Assert.Throws<KeyNotFoundException>(() => database.AddTemplate("nobody", Model, UnitVector(8, seed: 1)));
    }

    [Fact]
    public void ATemplateDoesNotDecryptUnderAnotherPersonOrKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var protector = new TemplateProtector(key);
        var sealedTemplate = protector.Protect(UnitVector(8, seed: 3), "S1", Model);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedTemplate, "S2", Model));
        Assert.ThrowsAny<CryptographicException>(() => new TemplateProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(sealedTemplate, "S1", Model));
        Assert.Equal(UnitVector(8, seed: 3), protector.Unprotect(sealedTemplate, "S1", Model));
    }

    [Fact]
    public void TheKeyFileIsReadableOnlyByItsOwner()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var keyFile = Path.Combine(_folder, "k", "roster.db.key");

        _ = TemplateProtector.FromKeyFile(keyFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public void TheBestMatchIsTheNearestTemplate()
    {
        var embeddings = Enumerable.Range(0, 1000).Select(i => UnitVector(512, seed: i)).ToList();
        var index = new EmbeddingIndex(512, embeddings);

        var (best, similarity) = index.Best(embeddings[731]);

        Assert.Equal(731, best);
        Assert.Equal(1f, similarity, 4);
    }

    [Theory]
    [SqliteData]
    [PostgresData]
    public void AnotherProcessOnTheSameDatabaseSeesRosterAndTemplateChanges(DatabaseProvider provider)
    {
        var db = TestDatabases.Create(provider, _folder);
        var protector = new TemplateProtector(RandomNumberGenerator.GetBytes(32));
        var first = new RosterDatabase(db, protector);
        var second = new RosterDatabase(db, protector);
        first.ReplaceRoster(new Roster.Roster([Student("S1", restricted: true)]));
        Assert.Equal(0, second.GetTemplates(Model, 8).Count);

        first.AddTemplate("S1", Model, UnitVector(8, seed: 1));

        Assert.Equal(1, second.GetTemplates(Model, 8).Count);
        Assert.Single(second.Current.Roster.People);
    }

    private RosterDatabase Open(DatabaseProvider provider) =>
        new(TestDatabases.Create(provider, _folder), new TemplateProtector(RandomNumberGenerator.GetBytes(32)));

    private static Person Student(string id, bool restricted) => new()
    {
        Id = id,
        GivenName = "Given" + id,
        FamilyName = "Family" + id,
        Grade = new Grade(3),
        MediaRestriction = restricted,
        Emails = [id.ToLowerInvariant() + "@students.kusd.edu"],
    };

    private static float[] UnitVector(int dimension, int seed)
    {
        var random = new Random(seed);
        var values = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        EmbeddingIndex.Normalize(values);
        return values;
    }

    private static byte[] AsBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
