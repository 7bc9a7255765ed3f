using System.Text;
using ImSignalR.Domain.Errors;
using MessagePack;
using MessagePack.Formatters;

namespace ImSignalR.Hub.Protocols.MessagePack.Internal;

/// <summary>
/// <c>str</c> values decoded with a throwing UTF-8 decoder. MessagePack's own string formatter replaces
/// invalid bytes (and UTF-8-encoded surrogates) with U+FFFD, so a message would be stored altered; here
/// the argument is refused with <c>IM_INVALID_ARGUMENT</c> instead (<see cref="ImMessagePackHubProtocol"/>
/// carries the code to the caller).
/// </summary>
internal sealed class StrictUtf8StringFormatter : IMessagePackFormatter<string?>
{
    public static readonly StrictUtf8StringFormatter Instance = new();

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private StrictUtf8StringFormatter()
    {
    }

    public void Serialize(ref MessagePackWriter writer, string? value, MessagePackSerializerOptions options) => writer.Write(value);

    public string? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.ReadStringSequence() is not { } utf8)
        {
            return null;
        }
        try
        {
            return Strict.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw ImException.Invalid("a string is not valid UTF-8.");
        }
    }
}
