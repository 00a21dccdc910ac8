using System;
using System.Diagnostics;
using System.IO;

namespace CosineParity.Oracle.Commands;

/// <summary>A one-line progress bar on a terminal (standard error not redirected); silent otherwise.</summary>
internal sealed class ProgressBar(TextWriter output, int total, string label)
{
    private readonly bool _enabled = !Console.IsErrorRedirected && output == Console.Error;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;
    private long _lastDrawMs = -1000;

    public void Advance(int count = 1)
    {
        _done += count;
        if (_enabled && (_clock.ElapsedMilliseconds - _lastDrawMs >= 100 || _done == total))
        {
            _lastDrawMs = _clock.ElapsedMilliseconds;
            const int width = 30;
            int filled = total == 0 ? width : (int)((long)_done * width / total);
            double rate = _done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
            output.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {_done}/{total}  {rate:0} cases/s ");
        }
    }

    public void Finish()
    {
        if (_enabled)
        {
            output.WriteLine();
        }
    }
}
