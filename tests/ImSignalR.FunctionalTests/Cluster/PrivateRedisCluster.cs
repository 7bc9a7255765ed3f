using System.Diagnostics;
using System.Globalization;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// A private 3-master Redis Cluster (Debian's redis-server, no persistence) that a test may restart: a restarted
/// master keeps its slots (its nodes.conf) but comes back empty, which is what losing one Redis Cluster node's data
/// looks like.
/// </summary>
public sealed class PrivateRedisCluster : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imsignalr-redis-cluster-").FullName;
    private readonly (int Port, int BusPort)[] _nodes = Enumerable.Range(0, 3).Select(_ => (FreePorts.Next(), FreePorts.Next())).ToArray();
    private readonly Process?[] _processes = new Process?[3];

    public string Configuration => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}"));

    public static async Task<PrivateRedisCluster> StartAsync()
    {
        var cluster = new PrivateRedisCluster();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await cluster.StartNodeAsync(i);
            }
            var create = await RunAsync("redis-cli", ["--cluster", "create", .. cluster._nodes.Select(n => $"127.0.0.1:{n.Port}"), "--cluster-replicas", "0", "--cluster-yes"]);
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed: " + create.Output);
            }
            await cluster.WaitHealthyAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills master <paramref name="index"/> (its data is lost) and starts it again with the same slots.</summary>
    public async Task RestartNodeAsync(int index, TimeSpan downtime)
    {
        Kill(index);
        await Task.Delay(downtime);
        await StartNodeAsync(index);
        await WaitHealthyAsync();
    }

    /// <summary>The index of the master that owns <paramref name="key"/>'s slot (the others answer MOVED).</summary>
    public async Task<int> NodeOfAsync(string key)
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            var reply = await RunAsync("redis-cli", ["-p", _nodes[i].Port.ToString(CultureInfo.InvariantCulture), "exists", key]);
            if (!reply.Output.Contains("MOVED", StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"no master owns {key}");
    }

    public ValueTask DisposeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            Kill(i);
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private async Task StartNodeAsync(int index)
    {
        var (port, bus) = _nodes[index];
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--cluster-port", bus.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(_directory, $"nodes-{port}.conf"),
            "--dir", _directory, "--save", "", "--appendonly", "no",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        _processes[index] = process;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await RunAsync("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), "ping"])).Output.Trim() != "PONG")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on {port} did not answer");
            }
            await Task.Delay(50);
        }
    }

    private async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var ok = 0;
            foreach (var (port, _) in _nodes)
            {
                var info = await RunAsync("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), "cluster", "info"]);
                ok += info.Output.Contains("cluster_state:ok", StringComparison.Ordinal) ? 1 : 0;
            }
            if (ok == _nodes.Length)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the private Redis Cluster did not reach cluster_state:ok");
            }
            await Task.Delay(100);
        }
    }

    private void Kill(int index)
    {
        if (_processes[index] is { } process)
        {
            _processes[index] = null;
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
            process.Dispose();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, output + error);
    }
}
