using System.Diagnostics;

namespace ImSignalR.Bench;

/// <summary>
/// Holds a load phase's warm-up open until the servers have stopped compiling. A freshly started hub on two saturated
/// cores is still tiering its send path tens of seconds in (the eighth session saw 21 % of its CPU in the JIT at
/// 14–20 s), so a fixed warm-up measured the JIT instead of the product. The gate waits at least the configured
/// warm-up, then until, over one slice, no server spent more than <see cref="SettledShare"/> of it compiling, or the cap.
/// </summary>
internal sealed class WarmupGate(IReadOnlyList<ServerProcess> servers, TimeSpan maximum)
{
    /// <summary>The runtime meter's JIT time counter (System.Runtime's <c>dotnet.jit.compilation.time</c>), in seconds.</summary>
    internal const string JitSeconds = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>Under 1 % of each slice spent compiling counts as settled: what a warm hub still tiers now and then.</summary>
    internal const double SettledShare = 0.01;

    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    /// <returns>How long the warm-up lasted.</returns>
    public async Task<TimeSpan> WaitAsync(TimeSpan minimum, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(minimum, cancellationToken).ConfigureAwait(false);
        var previous = await JitSecondsAsync(cancellationToken).ConfigureAwait(false);
        if (previous is null)
        {
            // A server without the runtime meter (the bare relay): nothing to wait for beyond the fixed warm-up.
            return clock.Elapsed;
        }
        while (clock.Elapsed + Slice <= maximum)
        {
            var sliceStart = clock.Elapsed;
            await Task.Delay(Slice, cancellationToken).ConfigureAwait(false);
            var current = await JitSecondsAsync(cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                break;
            }
            var slice = (clock.Elapsed - sliceStart).TotalSeconds;
            var settled = current.Zip(previous, (now, before) => (now - before) / slice).All(share => share < SettledShare);
            previous = current;
            if (settled)
            {
                break;
            }
        }
        return clock.Elapsed;
    }

    /// <returns>Each server's JIT seconds so far, or null when one does not report them.</returns>
    private async Task<double[]?> JitSecondsAsync(CancellationToken cancellationToken)
    {
        var values = new double[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            var metrics = MetricsText.Parse(await servers[i].MetricsAsync(cancellationToken).ConfigureAwait(false));
            if (!metrics.Has(JitSeconds))
            {
                return null;
            }
            values[i] = metrics.Sum(JitSeconds);
        }
        return values;
    }
}
