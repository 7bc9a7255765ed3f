using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ImSignalR.Client;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// What a cluster failure test saw along the push path, for its failure message: a timeline of the test's steps
/// (with how many pushes the recipient had by then), the recipient's connection states, what Redis holds for the
/// recipient (presence entries, the backplane's subscriptions, the node registry, the retry queue), two probes sent
/// at the end (one each way, so a dead subscriber tells itself apart from a dead publisher) and each node's log tail.
/// A failure seen only on a loaded CI machine then says where the push stopped.
/// </summary>
public sealed class PushPathReport : IAsyncDisposable
{
    /// <summary>Node settings that make the log tails line up with the timeline: one line per entry, with its time.</summary>
    public static readonly IReadOnlyDictionary<string, string> LogSettings = new Dictionary<string, string>
    {
        // Without the formatter named, the console logger ignores its FormatterOptions.
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        // The backplane's own connection and subscription failures.
        ["Logging__LogLevel__Microsoft.AspNetCore.SignalR.StackExchangeRedis"] = "Information",
    };

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _timeline = new();
    private readonly RecordingClient _recipient;
    private readonly List<int> _receivedBySecond = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;

    public PushPathReport(RecordingClient recipient)
    {
        _recipient = recipient;
        _sampler = Task.Run(SampleAsync);
        recipient.Client.StateChanged += change =>
            Note($"{recipient.UserId}'s client {change.Previous} → {change.Current}" + (change.Error is null ? "" : $" ({change.Error.Message})"));
    }

    /// <summary>One step of the test, stamped with the time since the report began and the recipient's push count.</summary>
    public void Note(string what) =>
        _timeline.Enqueue($"{DateTime.Now:HH:mm:ss.fff} +{_clock.Elapsed.TotalSeconds:F2} s [{_recipient.Received.Count} received] {what}");

    /// <summary>
    /// Builds the report. <paramref name="sender"/> (connected to another node than the recipient) sends one more message
    /// and the recipient sends one back, each awaited for a few seconds.
    /// </summary>
    public async Task<string> BuildAsync(ClusterFixture cluster, RecordingClient sender)
    {
        var text = new StringBuilder();
        text.AppendLine("--- timeline ---");
        foreach (var line in _timeline)
        {
            text.AppendLine(line);
        }
        await StopSamplingAsync();
        text.AppendLine("pushes received in each second since the report began: " + string.Join(' ', _receivedBySecond.Select((n, i) => $"{i}:{n}")));
        text.AppendLine($"{_recipient.UserId}: state {_recipient.Client.State}, connected {_recipient.Client.IsConnected}, {_recipient.Received.Count} pushes received");

        text.AppendLine("--- Redis ---");
        var redis = cluster.RedisConfiguration;
        var prefix = cluster.Prefix;
        await AppendAsync(text, redis, "HGETALL", $"{prefix}:presence:{{{_recipient.UserId}}}");
        await AppendAsync(text, redis, "ZRANGE", $"{prefix}:{{presence-nodes}}:live", "0", "-1", "WITHSCORES");
        await AppendAsync(text, redis, "ZCARD", $"{prefix}:{{retry}}:due");
        await AppendAsync(text, redis, "PUBSUB", "CHANNELS", $"*{_recipient.UserId}*");
        foreach (var channel in await RedisCli.RunAsync(redis, "PUBSUB", "CHANNELS", $"*{_recipient.UserId}*"))
        {
            await AppendAsync(text, redis, "PUBSUB", "NUMSUB", channel);
        }
        await AppendAsync(text, redis, "PUBSUB", "NUMSUB", $"{prefix}:ImSignalR.Hub.Hubs.ChatHub:all");
        await AppendAsync(text, redis, "CLIENT", "LIST");

        // Offline marks by reason (offline at send, gone or budget at replay), pushes, replays, degraded steps.
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            text.AppendLine($"--- node {i + 1}'s delivery counters ---");
            text.AppendLine(await CountersAsync(cluster.Nodes[i]));
        }

        text.AppendLine("--- probes ---");
        text.AppendLine(await ProbeAsync(sender, _recipient));
        text.AppendLine(await ProbeAsync(_recipient, sender));

        // The nodes log through a background queue and a pipe: give the last lines time to arrive.
        await Task.Delay(500);
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            // Stack frames left out: the exception's message line says what failed, and 100 lines then cover the outage.
            var lines = cluster.Nodes[i].Output.Split('\n')
                .Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && !l.Contains("--- End of", StringComparison.Ordinal)).ToArray();
            text.AppendLine($"--- last lines of node {i + 1}'s log ---");
            text.AppendLine(string.Join('\n', lines[Math.Max(0, lines.Length - 100)..]));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await StopSamplingAsync();
        _stop.Dispose();
    }

    private async Task StopSamplingAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        await _sampler;
    }

    private async Task SampleAsync()
    {
        var last = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = _recipient.Received.Count;
                _receivedBySecond.Add(now - last);
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<string> CountersAsync(HubProcess node)
    {
        try
        {
            var metrics = await node.Http.GetStringAsync("/metrics");
            return string.Join('\n', metrics.Split('\n').Where(l =>
                l.StartsWith("im_offline_marks", StringComparison.Ordinal) || l.StartsWith("im_pushes", StringComparison.Ordinal)
                || l.StartsWith("im_sweeper", StringComparison.Ordinal) || l.StartsWith("im_send_degraded", StringComparison.Ordinal)
                || l.StartsWith("im_push_errors", StringComparison.Ordinal) || l.StartsWith("im_sends_accepted", StringComparison.Ordinal)));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "(/metrics: " + ex.Message + ")";
        }
    }

    private static async Task<string> ProbeAsync(RecordingClient from, RecordingClient to)
    {
        try
        {
            var sent = await from.SendAsync(to.UserId, "probe");
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < deadline && !to.Received.Any(m => m.MsgId == sent.MsgId))
            {
                await Task.Delay(25);
            }
            var reached = to.Received.Any(m => m.MsgId == sent.MsgId);
            return $"probe {from.UserId} → {to.UserId}: accepted, {(reached ? "pushed" : "NOT pushed within 5 s")}";
        }
        catch (Exception ex)
        {
            return $"probe {from.UserId} → {to.UserId}: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task AppendAsync(StringBuilder text, string redis, params string[] args)
    {
        text.AppendLine("> " + string.Join(' ', args));
        try
        {
            foreach (var line in await RedisCli.RunAsync(redis, args))
            {
                text.AppendLine("  " + line);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            text.AppendLine("  (redis-cli: " + ex.Message + ")");
        }
    }
}
