using System.Diagnostics;
using System.Globalization;

namespace Kusd.Moderation.Cli.Reporting;

/// <summary>
/// "files checked, rate" on stderr while a long run goes on: rewritten in place on a terminal, one line
/// every few seconds otherwise (<c>--progress</c> in a CI log). Never names a file's content.
/// </summary>
internal sealed class ProgressReporter
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly TextWriter _stderr;
    private readonly int _total;
    private readonly bool _inPlace;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _done;
    private TimeSpan _lastPrinted;

    public ProgressReporter(TextWriter stderr, int total, bool inPlace)
    {
        _stderr = stderr;
        _total = total;
        _inPlace = inPlace;
    }

    public double Elapsed => _clock.Elapsed.TotalSeconds;

    public void FileDone()
    {
        lock (_lock)
        {
            _done++;
            if (_clock.Elapsed - _lastPrinted < Interval)
            {
                return;
            }

            _lastPrinted = _clock.Elapsed;
            Write(Line());
        }
    }

    public void Finish()
    {
        lock (_lock)
        {
            Write(Line());
            if (_inPlace)
            {
                _stderr.WriteLine();
            }
        }
    }

    private string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{_done}/{_total} files checked, {_done / Math.Max(_clock.Elapsed.TotalSeconds, 0.001):F1} files/s");

    private void Write(string line)
    {
        if (_inPlace)
        {
            _stderr.Write("\r" + line);
        }
        else
        {
            _stderr.WriteLine(line);
        }

        _stderr.Flush();
    }
}
