namespace Kusd.Moderation.Api.Persistence;

/// <summary>
/// Group commit of check records: every check waits until its record is committed (a verdict is never answered
/// without its audit row, and a client can read its check back at once), but checks arriving together share one
/// connection and one transaction. Under load that is one commit for a dozen checks instead of a dozen commits.
/// No background service: the first check to find no writer running starts one on the thread pool, which writes
/// until nothing is waiting, so nothing is left unwritten at shutdown that a client was told about.
/// </summary>
public sealed class AuditWriter(CheckStore store, ILogger<AuditWriter> logger)
{
    private readonly Lock _lock = new();
    private List<(CheckRecord Record, TaskCompletionSource Done)> _waiting = [];
    private bool _writing;

    public Task SaveAsync(CheckRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((record, done));
            if (_writing)
            {
                return done.Task;
            }

            _writing = true;
        }

        _ = Task.Run(WriteUntilIdle);
        return done.Task;
    }

    private void WriteUntilIdle()
    {
        while (true)
        {
            List<(CheckRecord Record, TaskCompletionSource Done)> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (batch, _waiting) = (_waiting, []);
            }

            try
            {
                store.SaveAll([.. batch.Select(b => b.Record)]);
                foreach (var (_, done) in batch)
                {
                    done.SetResult();
                }
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                // One bad record must not fail the others: write them one by one.
                logger.LogWarning(ex, "Writing {Count} check records together failed; writing them one at a time", batch.Count);
                foreach (var (record, done) in batch)
                {
                    try
                    {
                        store.SaveAll([record]);
                        done.SetResult();
                    }
                    catch (Exception one)
                    {
                        done.SetException(one);
                    }
                }
            }
            catch (Exception ex)
            {
                batch[0].Done.SetException(ex);
            }
        }
    }
}
