using System.Collections.Concurrent;

namespace Kusd.Moderation.Api.Checks;

/// <summary>
/// Remembers the answer to a check sent with an <c>Idempotency-Key</c>, per API key, for a day, so a
/// retried request gets the first answer. Held in memory only: the answer carries the submitted text
/// (evidence, sanitized fields), which the database does not keep.
/// </summary>
public sealed class IdempotencyCache(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<(string KeyId, string Key), Entry> _entries = new();

    public enum Outcome
    {
        Started,
        Replay,
        InFlight,
        Mismatch,
    }

    public (Outcome Outcome, Verdict? Verdict) Begin(string keyId, string idempotencyKey, string requestHash)
    {
        var now = time.GetUtcNow();
        if (_entries.Count > MaxEntries)
        {
            foreach (var old in _entries.Where(e => e.Value.Expires < now).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(old, out _);
            }
        }

        var fresh = new Entry(requestHash, now + Lifetime);
        var entry = _entries.AddOrUpdate((keyId, idempotencyKey), fresh, (_, existing) => existing.Expires < now ? fresh : existing);
        if (ReferenceEquals(entry, fresh))
        {
            return (Outcome.Started, null);
        }

        if (entry.RequestHash != requestHash)
        {
            return (Outcome.Mismatch, null);
        }

        return entry.Verdict is null ? (Outcome.InFlight, null) : (Outcome.Replay, entry.Verdict);
    }

    public void Complete(string keyId, string idempotencyKey, Verdict verdict)
    {
        if (_entries.TryGetValue((keyId, idempotencyKey), out var entry))
        {
            entry.Verdict = verdict;
        }
    }

    public void Abandon(string keyId, string idempotencyKey) => _entries.TryRemove((keyId, idempotencyKey), out _);

    private sealed class Entry(string requestHash, DateTimeOffset expires)
    {
        public string RequestHash { get; } = requestHash;

        public DateTimeOffset Expires { get; } = expires;

        public Verdict? Verdict { get; set; }
    }
}
