using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kusd.Moderation.Storage;

namespace Kusd.Moderation.Api.Access;

public static class Scopes
{
    public const string Check = "check";
    public const string Roster = "roster";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Check, Roster, Admin];
}

/// <param name="Schools">
/// The schools the key is bound to (roster school codes): its checks compare faces only with those schools' restricted
/// students, as the CMS of one school needs; empty for the whole district.
/// </param>
public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedUtc, DateTimeOffset? RevokedUtc, IReadOnlyList<string> Schools);

/// <summary>
/// API keys, stored as SHA-256 hashes (the keys are 256-bit random, so a fast hash is enough). A key
/// reads <c>kusd_{id}_{secret}</c>; the id finds the row, the hash proves the secret.
/// </summary>
public sealed class ApiKeyStore(Database database, TimeProvider time)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (ApiKeyInfo? Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new("keys", 1, """
            CREATE TABLE IF NOT EXISTS api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                scopes TEXT NOT NULL,
                secret_sha256 TEXT NOT NULL,
                created_utc TEXT NOT NULL,
                revoked_utc TEXT NULL)
            """),
        new("keys", 2, """
            ALTER TABLE api_keys ADD COLUMN schools TEXT NOT NULL DEFAULT ''
            """),
    ];

    /// <summary>Longest key name ("WordPress plugin, Bradford High"): a label, not a document.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Creates a key; the plain key is returned once and never stored.</summary>
    public (ApiKeyInfo Info, string Key) Create(string name, IReadOnlyList<string> scopes, IReadOnlyList<string>? schools = null)
    {
        schools ??= [];
        if (Kusd.Moderation.Roster.PersonRules.CheckSchools(schools) is { } badSchools)
        {
            throw new ArgumentException(badSchools, nameof(schools));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new ArgumentException($"A key's name is 1 to {MaxNameLength} characters, without control characters.", nameof(name));
        }

        if (scopes.Count > Scopes.All.Count)
        {
            throw new ArgumentException($"Scopes must be some of {string.Join(", ", Scopes.All)}.", nameof(scopes));
        }

        var unknown = scopes.Where(s => !Scopes.All.Contains(s)).ToList();
        if (scopes.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"Scopes must be some of {string.Join(", ", Scopes.All)}.", nameof(scopes));
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"kusd_{id}_{secret}";
        var info = new ApiKeyInfo(id, name, [.. scopes.Distinct()], time.GetUtcNow(), null, [.. schools.Distinct(StringComparer.OrdinalIgnoreCase)]);
        using var connection = database.Open();
        database.Execute(
            connection,
            null,
            "INSERT INTO api_keys (id, name, scopes, secret_sha256, created_utc, schools) VALUES (@id, @name, @scopes, @hash, @created, @schools)",
            ("@id", id),
            ("@name", name),
            ("@scopes", string.Join(',', info.Scopes)),
            ("@hash", Hash(key)),
            ("@created", info.CreatedUtc.ToString("O", CultureInfo.InvariantCulture)),
            ("@schools", string.Join(',', info.Schools)));
        return (info, key);
    }

    public bool Revoke(string id)
    {
        using var connection = database.Open();
        var changed = database.Execute(
            connection,
            null,
            "UPDATE api_keys SET revoked_utc = @at WHERE id = @id AND revoked_utc IS NULL",
            ("@at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
            ("@id", id)) > 0;
        _cache.Clear();
        return changed;
    }

    public IReadOnlyList<ApiKeyInfo> List()
    {
        using var connection = database.Open();
        using var command = database.Command(connection, null, "SELECT id, name, scopes, created_utc, revoked_utc, schools FROM api_keys ORDER BY created_utc");
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKeyInfo>();
        while (reader.Read())
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    public bool Any()
    {
        using var connection = database.Open();
        return database.Scalar<long>(connection, null, "SELECT COUNT(*) FROM api_keys") > 0;
    }

    /// <summary>The key's record when the presented key is valid and not revoked; cached for a few seconds.</summary>
    public ApiKeyInfo? Verify(string presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 200)
        {
            return null;
        }

        var hash = Hash(presented);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        var parts = presented.Split('_');
        ApiKeyInfo? found = null;
        if (parts.Length == 3 && parts[0] == "kusd")
        {
            using var connection = database.Open();
            using var command = database.Command(connection, null, "SELECT id, name, scopes, created_utc, revoked_utc, schools, secret_sha256 FROM api_keys WHERE id = @id", ("@id", parts[1]));
            using var reader = command.ExecuteReader();
            if (reader.Read()
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(reader.GetString(6)), Encoding.ASCII.GetBytes(hash)))
            {
                var info = Read(reader);
                found = info.RevokedUtc is null ? info : null;
            }
        }

        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        _cache[hash] = (found, now + CacheLifetime);
        return found;
    }

    private static ApiKeyInfo Read(System.Data.Common.DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries),
        DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
        reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
        reader.GetString(5).Split(',', StringSplitOptions.RemoveEmptyEntries));

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '-');
}
