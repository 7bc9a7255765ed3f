using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Reads and writes one .NET type; instances are built once per type and cached (<see cref="MessagePackConverters"/>).</summary>
internal abstract class MessagePackConverter
{
    public abstract Type Type { get; }

    public abstract object? ReadObject(ref MessagePackReader reader);

    public abstract void WriteObject(ref MessagePackWriter writer, object? value);
}
