using System.Text;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>One property of a DTO: its camelCase wire name and compiled accessors.</summary>
internal abstract class DtoMember<T>
{
    protected DtoMember(string wireName, bool required)
    {
        WireName = wireName;
        WireNameUtf8 = Encoding.UTF8.GetBytes(wireName);
        IsRequired = required;
    }

    public string WireName { get; }

    public byte[] WireNameUtf8 { get; }

    public bool IsRequired { get; }

    public abstract bool CanRead { get; }

    public abstract bool CanWrite { get; }

    public abstract void ReadInto(ref MessagePackReader reader, T target);

    public abstract void WriteFrom(ref MessagePackWriter writer, T source);
}
