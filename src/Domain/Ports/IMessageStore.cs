using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The system of record (SPEC §7): SQLite in embedded mode, MySQL in cluster mode.
/// Writes arrive only as <see cref="LogEvent"/> batches, applied idempotently, so the direct log and
/// the RocketMQ persistence consumer share one write path.
/// </summary>
public interface IMessageStore : IMessageEventStore, IMessageQueries, ISequenceReads
{
    /// <summary>A cheap round trip for the readiness check.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
