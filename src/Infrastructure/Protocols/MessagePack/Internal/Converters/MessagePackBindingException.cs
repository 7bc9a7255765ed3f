using System.Diagnostics.CodeAnalysis;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>
/// Well-formed MessagePack of the wrong shape for the target type (a str for an int, an int that does not
/// fit, a missing required member). The hub protocol turns it into a binding-failure message, so the
/// caller gets a completion error and the connection stays up; malformed bytes stay protocol errors.
/// </summary>
internal sealed class MessagePackBindingException : Exception
{
    public MessagePackBindingException(string message)
        : base(message)
    {
    }

    [DoesNotReturn]
    public static void Throw(string message) => throw new MessagePackBindingException(message);

    [DoesNotReturn]
    public static void ThrowUnexpected(Type target, Codec.MessagePackType actual) =>
        throw new MessagePackBindingException($"Cannot bind a MessagePack {actual} to {target.Name}.");
}
