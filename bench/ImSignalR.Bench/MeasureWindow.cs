using System.Diagnostics;

namespace ImSignalR.Bench;

/// <summary>The measured part of a phase, in <see cref="Stopwatch"/> ticks (after the warm-up, before the stop).</summary>
internal sealed class MeasureWindow
{
    private long _start = long.MaxValue;
    private long _end = long.MaxValue;

    public void Open() => Volatile.Write(ref _start, Stopwatch.GetTimestamp());

    public void Close() => Volatile.Write(ref _end, Stopwatch.GetTimestamp());

    public bool Contains(long timestamp) => timestamp >= Volatile.Read(ref _start) && timestamp < Volatile.Read(ref _end);

    public TimeSpan Length => Stopwatch.GetElapsedTime(Volatile.Read(ref _start), Volatile.Read(ref _end));
}
