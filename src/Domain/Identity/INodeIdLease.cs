namespace ImSignalR.Domain.Identity;

/// <summary>
/// Makes the node id of <see cref="SnowflakeIdGenerator"/> unique among the live nodes of one deployment. Two live
/// nodes with one id mint the same msgId in the same millisecond, and the store then takes the second message for a
/// redelivery of the first: it would be answered "duplicate" and never stored.
/// </summary>
public interface INodeIdLease
{
    /// <summary>
    /// Claims <paramref name="preferred"/> for this process and keeps it claimed until the process stops.
    /// </summary>
    /// <param name="mayMove">True for a derived id: another free id is taken instead when it is held.</param>
    /// <returns>The id claimed.</returns>
    /// <exception cref="InvalidOperationException">A configured id that another live node holds.</exception>
    int Claim(int preferred, bool mayMove);
}
