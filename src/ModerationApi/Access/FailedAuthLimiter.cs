using System.Collections.Concurrent;

namespace Kusd.Moderation.Api.Access;

/// <summary>
/// Slows down key guessing: a client address that has presented <see cref="MaxFailures"/> wrong keys
/// in a minute gets 429 for the rest of that minute, whatever key it sends. Counters live in memory, so a
/// restart forgets them; keys are 256-bit random values, so the limit bounds log noise and load more
/// than it protects the keys.
/// </summary>
public sealed class FailedAuthLimiter(TimeProvider time)
{
    public const int MaxFailures = 30;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Seconds until the address may try again, or null when it may try now.</summary>
    public int? RetryAfterSeconds(string address)
    {
        if (!_counters.TryGetValue(address, out var counter))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (counter)
        {
            if (now >= counter.WindowEnd)
            {
                return null;
            }

            return counter.Failures >= MaxFailures ? (int)Math.Ceiling((counter.WindowEnd - now).TotalSeconds) : null;
        }
    }

    public void RecordFailure(string address)
    {
        var now = time.GetUtcNow();
        if (_counters.Count > 100_000)
        {
            foreach (var stale in _counters.Where(c => c.Value.WindowEnd < now).Select(c => c.Key).ToList())
            {
                _counters.TryRemove(stale, out _);
            }
        }

        var counter = _counters.GetOrAdd(address, _ => new Counter());
        lock (counter)
        {
            if (now >= counter.WindowEnd)
            {
                counter.WindowEnd = now + Window;
                counter.Failures = 0;
            }

            counter.Failures++;
        }
    }

    private sealed class Counter
    {
        public DateTimeOffset WindowEnd { get; set; }

        public int Failures { get; set; }
    }
}
