namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>The format families of MessagePack; <see cref="Unknown"/> is the never-used byte 0xC1.</summary>
internal enum MessagePackType
{
    Unknown = 0,
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
