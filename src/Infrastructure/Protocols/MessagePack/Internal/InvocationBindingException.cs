namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal;

/// <summary>The argument list does not fit the hub method (count or an argument's type); carried inside an
/// InvocationBindingFailureMessage, with the same wording as the official MessagePack protocol.</summary>
internal sealed class InvocationBindingException : InvalidOperationException
{
    public InvocationBindingException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
