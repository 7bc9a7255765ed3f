using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Sequencing;

/// <summary>Sequencing log messages: event ids 1030–1039 of the domain's range, and 1001 (the seq conflict, older than the range) (registry: docs/operations.md).</summary>
internal static partial class SequencingLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Seq conflict in {ChatId} at seq {Seq}; the store holds up to {StoreMaxSeq}. Reseeding the allocator.")]
    public static partial void SeqConflict(ILogger logger, string chatId, long seq, long storeMaxSeq);

    [LoggerMessage(1030, LogLevel.Warning, "Sequence counter of chat {ChatId} was missing; seeded at {Seed} from store max {StoreMax}.")]
    public static partial void Seeded(ILogger logger, string chatId, long seed, long storeMax);

    [LoggerMessage(1031, LogLevel.Warning, "Sequence counters were lost while the store holds messages; new counters jump for {Window}.")]
    public static partial void CountersLost(ILogger logger, TimeSpan window);
}
