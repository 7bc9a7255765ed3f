using ImSignalR.Contracts;
namespace ImSignalR.Domain.Errors;

/// <summary>
/// The one exception the domain throws for an expected failure. The hub filter turns it into a
/// <c>HubException</c> whose message starts with the wire code; REST maps it to a problem response.
/// </summary>
public sealed class ImException : Exception
{
    public ImException(ImErrorCode code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    public ImErrorCode Code { get; }

    public bool IsRetriable => Code.IsRetriable();

    /// <summary>The text a client sees: <c>IM_CODE: message</c>.</summary>
    public string WireMessage => $"{Code.ToWire()}: {Message}";

    public static ImException Invalid(string message) => new(ImErrorCode.InvalidArgument, message);
}
