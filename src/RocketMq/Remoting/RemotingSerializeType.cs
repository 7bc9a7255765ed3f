namespace ImSignalR.RocketMq.Remoting;

/// <summary>The high byte of the second frame int (<c>RP/SerializeType.java</c>).</summary>
// Public (issue 15) only so the bench's RocketMQ double broker and samples/ServiceClient need no InternalsVisibleTo; not a supported API.
public enum RemotingSerializeType : byte
{
    Json = 0,
    RocketMq = 1,
}
