namespace ImSignalR.RocketMq.Remoting;

/// <summary>The high byte of the second frame int (<c>RP/SerializeType.java</c>).</summary>
internal enum RemotingSerializeType : byte
{
    Json = 0,
    RocketMq = 1,
}
