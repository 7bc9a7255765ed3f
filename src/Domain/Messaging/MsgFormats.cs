using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Messaging;

/// <summary><c>msgFormat</c>: 1 text, 2 image, 3 voice, 4 video, 5 file, 100+ custom (opaque content).</summary>
public static class MsgFormats
{
    public const int Text = 1;
    public const int File = 5;
    public const int CustomMin = 100;

    public static int Validate(int msgFormat)
    {
        if (msgFormat is (>= Text and <= File) or >= CustomMin)
        {
            return msgFormat;
        }
        throw new ImException(ImErrorCode.InvalidMsgFormat, "'msgFormat' must be 1-5 or 100 and above.");
    }
}
