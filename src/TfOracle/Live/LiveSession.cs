using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace CosineParity.Oracle.Live;

/// <summary>
/// One running server: the process, a writer task feeding its stdin (so a server that stops reading never blocks the
/// oracle's loop), a reader task turning its stdout into line events, and a drain task reading its stderr into a
/// tail (a full stderr pipe would stall the server). The loop decides; the session only moves bytes.
/// </summary>
internal sealed class LiveSession
{
    private const int StderrLineLimit = 64 * 1024;

    private readonly Process _process;
    private readonly Channel<ReadOnlyMemory<byte>> _writes =
        Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly ChannelWriter<LiveEvent> _events;
    private readonly Action<string>? _stderrLine;
    private readonly Task _writer;
    private readonly Task _reader;
    private readonly Task _drain;

    private LiveSession(int number, Process process, LiveOracleOptions options, ChannelWriter<LiveEvent> events)
    {
        Number = number;
        _process = process;
        _events = events;
        _stderrLine = options.StderrLine;
        Stderr = new StderrTail(options.StderrTailBytes);
        _writer = Task.Run(WriteAsync);
        _reader = Task.Run(() => ReadAsync(options.MaxLineBytes));
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>1 for the oracle's first server, then counting.</summary>
    public int Number { get; }

    /// <summary>Whether the hello came.</summary>
    public bool Ready { get; set; }

    /// <summary>When the hello is due (<see cref="Environment.TickCount64"/>).</summary>
    public long HelloDeadline { get; set; }

    /// <summary>The end of the server's stderr.</summary>
    public StderrTail Stderr { get; }

    /// <summary>Starts the server.</summary>
    /// <exception cref="Win32Exception">The executable or the folder does not exist, or cannot be run.</exception>
    public static LiveSession Start(int number, LiveOracleOptions options, ChannelWriter<LiveEvent> events)
    {
        LiveServerCommand command = options.Command;
        var info = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = command.WorkingDirectory ?? string.Empty,
        };
        foreach (string argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in command.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new LiveSession(number, process, options, events);
    }

    /// <summary>Queues a line for the server's stdin.</summary>
    public void Send(ReadOnlyMemory<byte> line) => _writes.Writer.TryWrite(line);

    /// <summary>Closes stdin once the queued lines are written: the server then finishes and exits.</summary>
    public void CloseInput() => _writes.Writer.TryComplete();

    /// <summary>Kills the server and whatever it started.</summary>
    public void Kill()
    {
        CloseInput();
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        catch (Win32Exception)
        {
            // exiting as we kill it
        }
    }

    /// <summary>The exit code once the server exited, waiting at most <paramref name="wait"/>; null if it still runs.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Kills the server if it still runs, lets the three tasks end and releases the process. Never throws.</summary>
    public async Task CloseAsync()
    {
        try
        {
            if (await ExitCodeAsync(TimeSpan.Zero).ConfigureAwait(false) is null)
            {
                Kill();
                await ExitCodeAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // never started properly, or already released
        }

        _process.Dispose();   // closes our pipe ends: the reader and drain see their ends
        await Task.WhenAny(Task.WhenAll(_writer, _reader, _drain), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        try
        {
            Stream stdin = _process.StandardInput.BaseStream;
            await foreach (ReadOnlyMemory<byte> line in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await stdin.WriteAsync(line).ConfigureAwait(false);
                if (!_writes.Reader.TryPeek(out _))
                {
                    await stdin.FlushAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The server is gone or going: its stdout's end tells the loop.
        }
        finally
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // already closed
            }
        }
    }

    private async Task ReadAsync(int maxLineBytes)
    {
        try
        {
            var lines = new LineReader(_process.StandardOutput.BaseStream, maxLineBytes);
            while (await lines.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                _events.TryWrite(LiveEvent.LineRead(this, line));
            }

            _events.TryWrite(LiveEvent.End(this, lines.PartialBytes > 0 ? $"it ended inside a line, {lines.PartialBytes} bytes without \\n" : null));
        }
        catch (InvalidDataException e)
        {
            _events.TryWrite(LiveEvent.Overlong(this, e.Message));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _events.TryWrite(LiveEvent.End(this, $"reading it failed: {e.Message}"));
        }
    }

    private async Task DrainAsync()
    {
        var line = new List<byte>();
        try
        {
            Stream stderr = _process.StandardError.BaseStream;
            byte[] buffer = new byte[16 * 1024];
            int read;
            while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                Stderr.Append(buffer.AsSpan(0, read));
                if (_stderrLine is not null)
                {
                    Split(buffer.AsSpan(0, read), line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process is gone
        }

        if (line.Count > 0)
        {
            Emit(line);
        }
    }

    private void Split(ReadOnlySpan<byte> bytes, List<byte> line)
    {
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n' || line.Count >= StderrLineLimit)
            {
                Emit(line);
                if (b == (byte)'\n')
                {
                    continue;
                }
            }

            line.Add(b);
        }
    }

    private void Emit(List<byte> line)
    {
        string text = Encoding.UTF8.GetString(line.ToArray());
        line.Clear();
        try
        {
            _stderrLine!(text);
        }
#pragma warning disable CA1031 // a failing log callback must not stop the drain: the server would stall on a full pipe
        catch (Exception)
#pragma warning restore CA1031
        {
            // ignored
        }
    }
}
