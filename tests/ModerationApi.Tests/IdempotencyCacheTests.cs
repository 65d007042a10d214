using Kusd.Moderation.Api.Checks;
using Kusd.Moderation.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace Kusd.Moderation.Api.Tests;

public sealed class IdempotencyCacheTests
{
    private const long Budget = 64 * 1024;

    [Fact]
    public void AnswersStayWithinTheByteBudgetAndTheLeastRecentlyUsedGoFirst()
    {
        var cache = new IdempotencyCache(TimeProvider.System, Options.Create(new ApiLimitsOptions { IdempotencyCacheBytes = Budget }));
        var verdict = VerdictWith(new string('x', 4_000));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(IdempotencyCache.Outcome.Started, cache.Begin("k", $"key-{i}", "hash").Outcome);
            cache.Complete("k", $"key-{i}", verdict);
            if (i == 10)
            {
                // key-0 is used again: it becomes the most recent and outlives key-1.
                Assert.Equal(IdempotencyCache.Outcome.Replay, cache.Begin("k", "key-0", "hash").Outcome);
            }

            Assert.True(cache.Bytes <= Budget, $"{cache.Bytes} bytes held");
        }

        Assert.Equal(IdempotencyCache.Outcome.Started, cache.Begin("k", "key-1", "hash").Outcome);
        var (outcome, replayed) = cache.Begin("k", "key-99", "hash");
        Assert.Equal(IdempotencyCache.Outcome.Replay, outcome);
        Assert.Equal(verdict.Id, replayed!.Id);
        Assert.Equal(IdempotencyCache.Outcome.Mismatch, cache.Begin("k", "key-99", "other").Outcome);
    }

    [Fact]
    public void AnAnswerOverAnEighthOfTheBudgetIsNotKept()
    {
        var cache = new IdempotencyCache(TimeProvider.System, Options.Create(new ApiLimitsOptions { IdempotencyCacheBytes = Budget }));

        cache.Begin("k", "big", "hash");
        cache.Complete("k", "big", VerdictWith(new string('x', (int)(Budget / 4))));

        Assert.Equal(0, cache.Bytes);
        Assert.Equal(IdempotencyCache.Outcome.Started, cache.Begin("k", "big", "hash").Outcome);
    }

    private static Verdict VerdictWith(string text) => new()
    {
        Id = "chk_" + Guid.NewGuid().ToString("N"),
        Decision = Decision.Approved,
        Findings = [],
        Sanitized = new SanitizedContent(new Dictionary<string, string> { ["body"] = text }, []),
        Timings = new Dictionary<string, double>(),
        Models = new Dictionary<string, string>(),
    };
}
