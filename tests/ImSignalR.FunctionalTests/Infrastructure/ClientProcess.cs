using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>tests/ImSignalR.ClientProcess as a child process: the .NET SDK in a process a test can kill.</summary>
public sealed class ClientProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new(boundedCapacity: 10_000);

    private ClientProcess(Process process, ITestOutputHelper output)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.TryAdd(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                try
                {
                    output.WriteLine("[client stderr] " + e.Data);
                }
                catch (InvalidOperationException)
                {
                    // The test has finished.
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static ClientProcess Start(ITestOutputHelper output, string mode, Uri hubUri, string stateDb, string userId, string token, params string[] extra)
    {
        var dll = Path.Combine(Path.GetDirectoryName(HubBinary.Path)!, "..", "..", "..", "..", "..", "tests", "ImSignalR.ClientProcess", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "ImSignalR.ClientProcess.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build tests/ImSignalR.ClientProcess first (the functional tests reference it).", dll);
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, mode, hubUri.ToString(), stateDb, userId }.Concat(extra))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["IM_CLIENT_TOKEN"] = token;
        return new ClientProcess(Process.Start(info)!, output);
    }

    /// <summary>The first line starting with <paramref name="prefix"/>; fails on exit or after 60 s.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var line, 50))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
                continue;
            }
            if (_process.HasExited && _lines.Count == 0)
            {
                throw new InvalidOperationException($"The client process exited ({_process.ExitCode}) before printing '{prefix}'.");
            }
            await Task.Yield();
        }
        throw new TimeoutException($"The client process did not print '{prefix}' within 60 s.");
    }

    /// <summary>Lines printed and not yet taken by <see cref="WaitForLineAsync"/>.</summary>
    public List<string> TakeRemainingLines()
    {
        var lines = new List<string>();
        while (_lines.TryTake(out var line))
        {
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>SIGKILL: no disposal, no flush — as when a phone's OS kills the app.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _lines.Dispose();
    }
}
