using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Records a step of the send path that failed without failing the send (a push, a replay schedule, a dedupe
/// update, a presence lookup). Every one is counted; a warning is written at most once per step and
/// <see cref="WarningPeriod"/>, the rest at Debug: while Redis is away every send skips the same steps, and a
/// warning per send would bury the one line an operator needs.
/// </summary>
internal sealed class DegradedSteps
{
    internal static readonly TimeSpan WarningPeriod = TimeSpan.FromSeconds(10);

    /// <summary>The steps, a fixed set: they are metric labels.</summary>
    private static readonly string[] Steps = ["dedupe", "presence", "push", "retry", "sequence", "group-join", "group-connections", "group-read"];

    private readonly Counter<long> _counter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long[] _nextWarning = new long[Steps.Length];
    private readonly long[] _suppressed = new long[Steps.Length];

    public DegradedSteps(MessagingMetrics metrics, TimeProvider time, ILogger logger)
    {
        _counter = metrics.DegradedSteps;
        _time = time;
        _logger = logger;
        foreach (var step in Steps)
        {
            // Every step's series from the start, at 0 (see MessagingMetrics).
            _counter.Add(0, new KeyValuePair<string, object?>("step", step));
        }
    }

    public void Note(string step, Exception exception)
    {
        var index = Array.IndexOf(Steps, step);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Not a known step.");
        }
        _counter.Add(1, new KeyValuePair<string, object?>("step", step));
        var now = _time.GetTimestamp();
        var next = Volatile.Read(ref _nextWarning[index]);
        var due = now + (long)(WarningPeriod.TotalSeconds * _time.TimestampFrequency);
        if (now >= next && Interlocked.CompareExchange(ref _nextWarning[index], due, next) == next)
        {
            DomainLog.StepDegraded(_logger, step, Interlocked.Exchange(ref _suppressed[index], 0), exception);
            return;
        }
        Interlocked.Increment(ref _suppressed[index]);
        DomainLog.StepDegradedAgain(_logger, step, exception);
    }
}
