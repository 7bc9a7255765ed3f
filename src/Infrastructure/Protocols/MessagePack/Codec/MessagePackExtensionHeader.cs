namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>The type code and payload length of an ext / fixext value.</summary>
internal readonly record struct MessagePackExtensionHeader(sbyte TypeCode, uint Length);
