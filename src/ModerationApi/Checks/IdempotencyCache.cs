using System.Text.Json;
using Kusd.Moderation.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Checks;

/// <summary>
/// Remembers the answer to a check sent with an <c>Idempotency-Key</c>, per API key, for a day, so a
/// retried request gets the first answer. It keeps only what a replay needs (the answer's JSON bytes),
/// within a byte budget (<see cref="ApiLimitsOptions.IdempotencyCacheBytes"/>), evicting the least
/// recently used answers first. Held in memory only: the answer carries submitted text (evidence,
/// sanitized fields), which the database does not keep.
/// </summary>
public sealed class IdempotencyCache(TimeProvider time, IOptions<ApiLimitsOptions> limits)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private readonly Lock _lock = new();
    private readonly Dictionary<(string KeyId, string Key), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recent = new();
    private readonly long _budget = limits.Value.IdempotencyCacheBytes;
    private long _bytes;

    public enum Outcome
    {
        Started,
        Replay,
        InFlight,
        Mismatch,
    }

    /// <summary>Bytes of answers held now; never more than the budget.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public (Outcome Outcome, Verdict? Verdict) Begin(string keyId, string idempotencyKey, string requestHash)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue((keyId, idempotencyKey), out var node) && node.Value.Expires >= now)
            {
                var entry = node.Value;
                if (entry.RequestHash != requestHash)
                {
                    return (Outcome.Mismatch, null);
                }

                if (entry.Body is null)
                {
                    return (Outcome.InFlight, null);
                }

                _recent.Remove(node);
                _recent.AddFirst(node);
                return (Outcome.Replay, JsonSerializer.Deserialize<Verdict>(entry.Body, ModerationJson.Options));
            }

            if (node is not null)
            {
                Remove(node);
            }

            var fresh = new Entry((keyId, idempotencyKey), requestHash, now + Lifetime);
            _entries[fresh.Id] = _recent.AddFirst(fresh);
            return (Outcome.Started, null);
        }
    }

    public void Complete(string keyId, string idempotencyKey, Verdict verdict)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(verdict, ModerationJson.Options);
        lock (_lock)
        {
            if (!_entries.TryGetValue((keyId, idempotencyKey), out var node))
            {
                return;
            }

            // An answer larger than an eighth of the budget would push out many others: it is not kept,
            // and a retry with the key runs the check again.
            if (body.Length > _budget / 8)
            {
                Remove(node);
                return;
            }

            node.Value.Body = body;
            _bytes += body.Length;
            for (var last = _recent.Last; _bytes > _budget && last is not null;)
            {
                var previous = last.Previous;
                if (last.Value.Body is not null)
                {
                    Remove(last);
                }

                last = previous;
            }
        }
    }

    public void Abandon(string keyId, string idempotencyKey)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((keyId, idempotencyKey), out var node))
            {
                Remove(node);
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _bytes -= node.Value.Body?.Length ?? 0;
        _recent.Remove(node);
        _entries.Remove(node.Value.Id);
    }

    private sealed class Entry((string KeyId, string Key) id, string requestHash, DateTimeOffset expires)
    {
        public (string KeyId, string Key) Id { get; } = id;

        public string RequestHash { get; } = requestHash;

        public DateTimeOffset Expires { get; } = expires;

        /// <summary>The answer as sent; null while the first request is in flight.</summary>
        public byte[]? Body { get; set; }
    }
}
