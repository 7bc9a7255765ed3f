using ImSignalR.Domain.Identity;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.Specification.ClusterState;

/// <summary>The sequencing policy over a counter, with the settings a test names (the production defaults otherwise).</summary>
public static class TestSequences
{
    /// <summary>The in-process wiring of the host: counters in memory, no jump (restart continues at the store max).</summary>
    public static ISequenceAllocator InProcess(ISequenceReads store) => Over(new InProcessSequenceCounter(), store, reseedJump: 0);

    /// <param name="recoveryWindow">Null: a store that cannot lag (the direct log); else the RocketMQ setting.</param>
    public static ISequenceAllocator Over(ISequenceCounter counter, ISequenceReads store, long reseedJump = 1000, TimeSpan? recoveryWindow = null) =>
        new SequenceAllocator(counter, store, new SequencingOptions
        {
            ReseedJump = reseedJump,
            StoreMayLag = recoveryWindow is not null,
            RecoveryWindow = recoveryWindow ?? TimeSpan.FromMinutes(10),
        }, NullLogger<SequenceAllocator>.Instance);

    /// <summary>What a log asks when the store refuses a seq; give it the allocator the caller allocates from.</summary>
    public static SeqConflictResolver Resolver(ISequenceAllocator sequences, IMessageStore store) => Resolver(sequences, store, store);

    /// <param name="seqReads">Where the store's max seq is read (a test may make it fail).</param>
    public static SeqConflictResolver Resolver(ISequenceAllocator sequences, ISequenceReads seqReads, IMessageQueries messages) =>
        new(sequences, seqReads, messages, new SnowflakeIdGenerator(1023, TimeProvider.System), NullLogger<SeqConflictResolver>.Instance);
}
