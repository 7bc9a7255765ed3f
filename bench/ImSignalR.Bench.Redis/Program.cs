using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ImSignalR.Infrastructure.Redis;
using ImSignalR.Infrastructure.Redis.Protocol;

// Compares our client's pipelined SET/GET throughput with redis-benchmark -P 16 against the same server in
// the same run. Usage: ImSignalR.Bench [host:port] [requests] — without an endpoint a private redis-server is started.
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
Process? ownServer = null;
string host;
int port;
if (args.Length > 0)
{
    var parts = args[0].Split(':');
    (host, port) = (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
}
else
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    (host, port) = ("127.0.0.1", ((IPEndPoint)l.LocalEndpoint).Port);
    l.Stop();
    ownServer = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
    { RedirectStandardOutput = true, UseShellExecute = false })!;
    ownServer.OutputDataReceived += (_, _) => { };
    ownServer.BeginOutputReadLine();
    await Task.Delay(300);
}

try
{
    var reference = RunRedisBenchmark(host, port, requests);
    Console.WriteLine($"redis-benchmark -P 16 -c 50: SET {reference.Set:N0} req/s, GET {reference.Get:N0} req/s");

    await using var redis = new RedisConnection(RedisConfiguration.Parse($"{host}:{port},syncTimeout=30000"));
    await redis.WaitConnectedAsync(TimeSpan.FromSeconds(10));
    var payload = new byte[3]; // redis-benchmark's default value size
    await Measure(redis, "SET", requests, payload); // warm-up
    var set = await Measure(redis, "SET", requests, payload);
    var get = await Measure(redis, "GET", requests, payload);
    Console.WriteLine($"ImSignalR client (50 callers, each keeping 16 in flight, one connection): SET {set:N0} req/s, GET {get:N0} req/s");
    Console.WriteLine($"ratio ours/redis-benchmark: SET {set / reference.Set:P0}, GET {get / reference.Get:P0}");
}
finally
{
    if (ownServer is not null)
    {
        ownServer.Kill();
        await ownServer.WaitForExitAsync();
    }
}

static (double Set, double Get) RunRedisBenchmark(string host, int port, int requests)
{
    var info = new ProcessStartInfo("redis-benchmark", $"-h {host} -p {port} -P 16 -t set,get -q -n {requests}")
    { RedirectStandardOutput = true, UseShellExecute = false };
    using var process = Process.Start(info)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    // -q prints e.g. "SET: 1234567.00 requests per second, p50=0.311 msec" (with \r progress lines before it).
    double Parse(string name) => double.Parse(
        Regex.Matches(output, name + @": ([0-9.]+) requests per second")[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    return (Parse("SET"), Parse("GET"));
}

static async Task<double> Measure(RedisConnection redis, string command, int requests, byte[] payload)
{
    const int callers = 50;
    const int window = 16;
    var perCaller = requests / callers;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
    {
        var key = $"bench:key:{c}";
        var inflight = new Task<RedisValue>[window];
        for (var i = 0; i < perCaller; i += window)
        {
            var n = Math.Min(window, perCaller - i);
            for (var j = 0; j < n; j++)
            {
                inflight[j] = command == "SET"
                    ? redis.ExecuteAsync(["SET", key, payload], default)
                    : redis.ExecuteAsync(["GET", key], default);
            }
            for (var j = 0; j < n; j++)
            {
                await inflight[j];
            }
        }
    })));
    return callers * perCaller / sw.Elapsed.TotalSeconds;
}
