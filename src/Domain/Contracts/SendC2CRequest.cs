namespace ImSignalR.Domain.Contracts;

/// <summary><c>SendC2C</c> argument. Every member is nullable because clients can omit any of them;
/// validation turns a missing member into a clear <c>IM_…</c> error instead of a binding failure.</summary>
public sealed class SendC2CRequest
{
    public string? ClientMsgId { get; init; }
    public string? ToUserId { get; init; }
    public string? Content { get; init; }
    public int? MsgFormat { get; init; }
    public string? Ext { get; init; }
}
