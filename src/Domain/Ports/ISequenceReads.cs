namespace ImSignalR.Domain.Ports;

/// <summary>What sequencing needs from <see cref="IMessageStore"/>: where a chat's seqs stand in the store.</summary>
public interface ISequenceReads
{
    /// <summary>The highest stored seq of <paramref name="chatId"/>, 0 when it has none.</summary>
    Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken);

    /// <summary>Whether any message is stored at all (tells a first start from lost cluster state).</summary>
    Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken);
}
