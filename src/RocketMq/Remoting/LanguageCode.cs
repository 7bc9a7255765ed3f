namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// <c>RP/LanguageCode.java</c>: the JSON header carries the NAME, the binary header the byte (doc §1.4).
/// </summary>
internal static class LanguageCode
{
    public const string Java = "JAVA";
    public const string DotNet = "DOTNET";

    // Index = byte value on the wire.
    private static readonly string[] Names =
    [
        "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS",
    ];

    public static string FromByte(byte value) => value < Names.Length ? Names[value] : "OTHER";

    public static byte ToByte(string name)
    {
        var index = Array.IndexOf(Names, name);
        return index < 0 ? (byte)7 : (byte)index;
    }
}
