using System.Globalization;

namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// One remoting frame (<c>R/protocol/RemotingCommand.java</c>). <see cref="ExtFields"/> is the "custom header":
/// every value is a string on the wire, numbers and booleans included (doc §9.5). Insertion order of
/// <see cref="ExtFields"/> is the order written, so captured frames can be reproduced byte for byte.
/// </summary>
// Public (issue 15) only so the bench's RocketMQ double broker and samples/ServiceClient need no InternalsVisibleTo; not a supported API.
public sealed class RemotingCommand
{
    /// <summary>bit0 of <see cref="Flag"/>: this frame is a response.</summary>
    public const int ResponseFlag = 1;

    /// <summary>bit1 of <see cref="Flag"/>: the receiver must not answer.</summary>
    public const int OnewayFlag = 2;

    /// <summary>The version this client announces: V5_2_0. ≥ 401 asks the NameServer for standard JSON (doc §1.4).</summary>
    public const int DefaultVersion = 453;

    public int Code { get; set; }

    public string Language { get; set; } = LanguageCode.DotNet;

    public int Version { get; set; } = DefaultVersion;

    public int Opaque { get; set; }

    public int Flag { get; set; }

    public string? Remark { get; set; }

    public Dictionary<string, string>? ExtFields { get; set; }

    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>How the header is (or was) serialised on the wire.</summary>
    public RemotingSerializeType SerializeType { get; set; } = RemotingSerializeType.Json;

    public bool IsResponse => (Flag & ResponseFlag) != 0;

    public bool IsOneway => (Flag & OnewayFlag) != 0;

    public static RemotingCommand CreateRequest(int code, Dictionary<string, string>? extFields = null) =>
        new() { Code = code, ExtFields = extFields };

    public static RemotingCommand CreateResponse(RemotingCommand request, int code, string? remark = null) =>
        new()
        {
            Code = code,
            Opaque = request.Opaque,
            Flag = ResponseFlag,
            Remark = remark,
            SerializeType = request.SerializeType,
        };

    public string? GetExt(string key) =>
        ExtFields is not null && ExtFields.TryGetValue(key, out var value) ? value : null;

    public string GetRequiredExt(string key) =>
        GetExt(key) ?? throw new RocketMqProtocolException($"Command {Code} lacks the header field '{key}'.", Code);

    public long GetRequiredLong(string key)
    {
        var text = GetRequiredExt(key);
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RocketMqProtocolException($"Header field '{key}' is not a long: '{text}'.", Code);
    }

    public void SetExt(string key, string value) => (ExtFields ??= [])[key] = value;

    public void SetExt(string key, long value) => SetExt(key, value.ToString(CultureInfo.InvariantCulture));

    public override string ToString() =>
        $"code={Code} opaque={Opaque} flag={Flag} remark={Remark} ext={(ExtFields is null ? "" : string.Join(',', ExtFields))}";
}
