using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Enums travel as their name (the official server's DynamicEnumAsStringResolver does the same);
/// names are matched ignoring case, numbers are refused.</summary>
internal sealed class EnumConverter<T> : MessagePackConverter<T>
    where T : struct, Enum
{
    public override T Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.String);
        var name = reader.ReadString();
        if (string.IsNullOrEmpty(name) || (!char.IsLetter(name[0]) && name[0] != '_')
            || !Enum.TryParse<T>(name, ignoreCase: true, out var value))
        {
            MessagePackBindingException.Throw($"'{name}' is not a {typeof(T).Name} name.");
            return default;
        }
        return value;
    }

    public override void Write(ref MessagePackWriter writer, T value) => writer.Write(value.ToString());
}
