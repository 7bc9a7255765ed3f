using System.Globalization;
using ImSignalR.IntegrationTests.RocketMq.Double;

namespace ImSignalR.Bench;

/// <summary>
/// One hub node in RocketMQ mode (SPEC §5 with the log on a broker): sends are durable once the broker answers
/// SEND_OK, and the node's persistence consumer writes them into MySQL behind. The brokers are the test double
/// (2 brokers × 4 queues, in this process: there is no Apache broker on the machine), so the figure is of our
/// client and consumer, not of a real broker's disk. Beside the usual row it reports the consumer lag
/// (<c>im_rocketmq_consumer_lag</c>, summed over queues) sampled during the load: how far the store trails the log.
/// </summary>
internal static class RocketMqScenario
{
    private static readonly TimeSpan LagSampleInterval = TimeSpan.FromMilliseconds(200);

    public static async Task RunAsync(ScenarioContext context)
    {
        const string scenario = "c2c-rocketmq";
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL");
        if (string.IsNullOrWhiteSpace(mysql))
        {
            context.Add(BenchResult.Unavailable(scenario, "IM_TEST_MYSQL is not set: the persistence consumer writes into MySQL."));
            return;
        }
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = "IM_BENCH_" + Guid.NewGuid().ToString("N")[..10];
        mq.CreateTopic(topic, queuesPerBroker: 4);
        var environment = HubEnvironment.Embedded(HubEnvironment.NewDataDirectory(), context.Options);
        environment["Im__RocketMq__NameServer"] = mq.NameServerAddress;
        environment["Im__RocketMq__Topic"] = topic;
        environment["Im__RocketMq__ConsumerGroup"] = "g_" + topic;
        environment["Im__Store__Provider"] = "MySql";
        environment["Im__Store__ConnectionString"] = mysql;
        environment["Im__Auth__SigningKey"] = ClusterScenario.SigningKey;
        environment["Im__Auth__DevTokens"] = "true";
        ServerProcess node;
        try
        {
            node = await ServerProcess.StartAsync(RepoPaths.HubDll, environment, null, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            context.Add(BenchResult.Unavailable(scenario, "the node did not start in RocketMQ mode: " + ex.Message));
            return;
        }
        await using (node.ConfigureAwait(false))
        {
            var target = new LoadTarget(node.HubUri, node.HubUri, C2CScenario.Tokens(node), "SendC2C", Acks: true);
            var rows = context.Results.Count;
            using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            var sampling = SampleLagAsync(node, stopSampling.Token);
            await PairLoad.RunAsync(context, scenario, target, [node], halfRatePhase: !context.Options.Quick).ConfigureAwait(false);
            await stopSampling.CancelAsync().ConfigureAwait(false);
            var lags = await sampling.ConfigureAwait(false);
            var rate = context.Results.Skip(rows).FirstOrDefault(r => r.Load is not null)?.Load?.AcceptedPerSecond ?? 0;
            context.Add(LagRow(scenario, lags, rate));
        }
    }

    /// <summary>The summed lag gauge every <see cref="LagSampleInterval"/> until cancelled.</summary>
    private static async Task<List<double>> SampleLagAsync(ServerProcess node, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        try
        {
            while (true)
            {
                await Task.Delay(LagSampleInterval, cancellationToken).ConfigureAwait(false);
                var metrics = MetricsText.Parse(await node.MetricsAsync(cancellationToken).ConfigureAwait(false));
                samples.Add(metrics.Sum("im_rocketmq_consumer_lag"));
            }
        }
        catch (OperationCanceledException)
        {
        }
        return samples;
    }

    private static BenchResult LagRow(string scenario, List<double> samples, double acceptedPerSecond)
    {
        if (samples.Count == 0)
        {
            return BenchResult.Unavailable(scenario, "no consumer lag sample was taken");
        }
        samples.Sort();
        double At(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
        var p99 = At(0.99);
        // Messages behind ÷ the closed-loop send rate ≈ how long a message waits between SEND_OK and the store.
        var behind = acceptedPerSecond > 0 ? string.Create(CultureInfo.InvariantCulture, $" ≈ {1000 * p99 / acceptedPerSecond:0} ms of sends") : "";
        return new BenchResult
        {
            Scenario = scenario,
            Phase = "consumer lag",
            Note = string.Create(CultureInfo.InvariantCulture,
                $"messages behind the log, summed over 8 queues, {samples.Count} samples every {LagSampleInterval.TotalMilliseconds:0} ms during the load: p50 {At(0.5):0}, p99 {p99:0}{behind}, max {samples[^1]:0}"),
            ConsumerLagP50 = At(0.5),
            ConsumerLagP99 = p99,
            ConsumerLagMax = samples[^1],
            LoadAverageStart = ServerSample.LoadAverage(),
        };
    }
}
