using System.Text;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Services;

/// <summary>Size checks on user text, in UTF-8 bytes — what the store and the wire carry.</summary>
internal static class TextLimits
{
    // Throws on lone surrogates instead of silently writing U+FFFD: text that cannot round-trip
    // through UTF-8 is refused rather than stored altered.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Check(string value, string field, int maxBytes, ImErrorCode tooLarge)
    {
        // Cheap reject first: every char is at least one byte.
        if (value.Length > maxBytes)
        {
            throw new ImException(tooLarge, $"'{field}' is larger than {maxBytes} bytes.");
        }
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            throw new ImException(ImErrorCode.InvalidArgument, $"'{field}' is not valid Unicode text.");
        }
        if (bytes > maxBytes)
        {
            throw new ImException(tooLarge, $"'{field}' is larger than {maxBytes} bytes.");
        }
    }
}
