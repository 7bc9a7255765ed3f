namespace ImSignalR.Domain.Sequencing;

/// <summary>The sequencing policy's settings (<see cref="SequenceAllocator"/>); the defaults are the Redis ones of before.</summary>
public sealed class SequencingOptions
{
    /// <summary>
    /// Added to the store's max seq when a conversation's counter is missing but the store has messages: with the
    /// RocketMQ log the store can lag behind accepted messages, so seeding at exactly its max could repeat a seq.
    /// </summary>
    public long ReseedJump { get; set; } = 1000;

    /// <summary>
    /// True when the store can lag behind accepted messages (the RocketMQ log): then, once the counters are found
    /// lost (see <see cref="RecoveryWindow"/>), even conversations with no stored message yet start above
    /// <see cref="ReseedJump"/>, since their first messages may still be on their way to the store.
    /// </summary>
    public bool StoreMayLag { get; set; }

    /// <summary>How long after the counters were found lost new counters keep jumping; longer than any consumer lag.</summary>
    public TimeSpan RecoveryWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The problems of these settings, empty when they are valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (ReseedJump < 0)
        {
            yield return "SequencingOptions.ReseedJump must not be negative.";
        }
        if (RecoveryWindow <= TimeSpan.Zero)
        {
            yield return "SequencingOptions.RecoveryWindow must be positive.";
        }
    }
}
