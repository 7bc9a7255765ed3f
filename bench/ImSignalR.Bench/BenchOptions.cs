using System.Globalization;

namespace ImSignalR.Bench;

/// <summary>Command-line settings; <c>--quick</c> picks sizes that finish in about four minutes on 2 cores (most of it warm-up).</summary>
internal sealed record BenchOptions
{
    public bool Quick { get; init; }
    public IReadOnlyList<string> Scenarios { get; init; } = ["relay", "c2c", "c2c-msgpack", "c2c-cluster", "c2c-cluster-msgpack", "c2c-rocketmq", "connections"];
    public int Pairs { get; init; } = 20;
    public int Window { get; init; } = 4;
    /// <summary>
    /// Load before the measured window. Long enough for tiered compilation to settle: a fresh hub node spends its
    /// first ~20 s under load re-JITting hot methods (a profile put a third of a cluster node's samples in the JIT
    /// with a 3 s warm-up), which the small relay settles much sooner, so a short warm-up measures start-up, not the product.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>
    /// How much longer than <see cref="Warmup"/> a pair-load phase may warm up while the servers are still compiling
    /// (<see cref="WarmupGate"/>); <c>--settle 0</c> keeps the fixed warm-up of earlier runs.
    /// </summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public IReadOnlyList<int> ConnectionCounts { get; init; } = [5_000, 10_000];
    /// <summary>Concurrent conversations of the <c>conversations</c> growth curve.</summary>
    public IReadOnlyList<int> ConversationCounts { get; init; } = [10, 100, 1_000, 5_000];
    /// <summary>Store sizes (messages) of the <c>store-size</c> growth curve.</summary>
    public IReadOnlyList<int> StoreSizes { get; init; } = [10_000, 100_000, 1_000_000];
    /// <summary>Where to write the SVG charts of this run's curves (<c>--charts DIR</c>); none when null.</summary>
    public string? ChartDirectory { get; init; }
    /// <summary><c>--render FILE</c>: no run, only the charts of an earlier results file.</summary>
    public string? RenderFrom { get; init; }
    public int ContentBytes { get; init; } = 100;
    /// <summary>Members of the <c>group</c> scenario's group, the sender included (<c>--group-members N</c>, at least 2).</summary>
    public int GroupMembers { get; init; } = 1_000;
    public string Output { get; init; } = Path.Combine("bench", "results", "latest.json");
    /// <summary>Extra environment for the real hub nodes (<c>--hub-env KEY=VALUE</c>, repeatable), e.g. <c>DOTNET_gcServer=0</c>.</summary>
    public IReadOnlyDictionary<string, string> HubEnvironment { get; init; } = new Dictionary<string, string>();

    public const string Usage = """
        ImSignalR.Bench [--quick] [--scenarios relay,c2c,c2c-msgpack,c2c-cluster,c2c-cluster-msgpack,c2c-rocketmq,connections,conversations,store-size,group] [--pairs N] [--window W]
                        [--duration SECONDS] [--warmup SECONDS] [--settle SECONDS] [--connections 5000,10000] [--conversations 10,100,1000,5000] [--store-sizes 10000,100000,1000000]
                        [--content-bytes B] [--group-members 1000] [--output PATH] [--charts DIR] [--hub-env KEY=VALUE]...
        ImSignalR.Bench --render RESULTS.json --charts DIR      (charts of an earlier run, no load)
        Env: IM_TEST_REDIS (host:port), IM_TEST_MYSQL (connection string) for c2c-cluster, c2c-rocketmq and group.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            // Short phases (a 10 s warm-up and 8 s phases took 3 min 8 s before the JIT gate; with it the run takes
            // ≈ 4 min, the hubs' warm-ups reaching the 40 s cap): the MessagePack row is the embedded one only (cluster
            // mode measured level with JSON), and the full run keeps its 15 s warm-up.
            ? new BenchOptions
            {
                Quick = true, Pairs = 10, Warmup = TimeSpan.FromSeconds(4), Settle = TimeSpan.FromSeconds(40), Duration = TimeSpan.FromSeconds(5), ConnectionCounts = [2_000],
                ConversationCounts = [10, 100], StoreSizes = [10_000],
                Scenarios = ["relay", "c2c", "c2c-msgpack", "c2c-cluster", "c2c-rocketmq", "connections"],
            }
            : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--quick" => options,
                "--scenarios" => options with { Scenarios = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--pairs" => options with { Pairs = Int(Next()) },
                "--window" => options with { Window = Int(Next()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Int(Next())) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Int(Next())) },
                "--settle" => options with { Settle = TimeSpan.FromSeconds(Int(Next())) },
                "--connections" => options with { ConnectionCounts = Next().Split(',').Select(Int).ToArray() },
                "--content-bytes" => options with { ContentBytes = Int(Next()) },
                "--group-members" => options with { GroupMembers = Math.Max(2, Int(Next())) },
                "--conversations" => options with { ConversationCounts = Next().Split(',').Select(Int).ToArray() },
                "--charts" => options with { ChartDirectory = Next() },
                "--store-sizes" => options with { StoreSizes = Next().Split(',').Select(Int).ToArray() },
                "--render" => options with { RenderFrom = Next() },
                "--output" => options with { Output = Next() },
                "--hub-env" => options with { HubEnvironment = With(options.HubEnvironment, Next()) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }
        return options;
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> current, string pair)
    {
        var parts = pair.Split('=', 2);
        return parts.Length == 2
            ? new Dictionary<string, string>(current) { [parts[0]] = parts[1] }
            : throw new ArgumentException($"--hub-env needs KEY=VALUE, got '{pair}'.\n{Usage}");
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
