using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.RocketMq.Service;

/// <summary>
/// A SPEC §13 response: body <c>{"request_id","success","data","error"}</c> with <c>error</c> =
/// <c>{"code":"IM_…","message"}</c>; properties <c>request_id</c> and <c>response_type</c>.
/// </summary>
internal sealed record ServiceResponse(string RequestId, string ResponseType, byte[] Body, string Outcome, bool Retriable)
{
    /// <summary>The code of a request answered <c>expired</c> (older than <c>RequestTtl</c>; not executed).</summary>
    public const string ExpiredCode = "IM_REQUEST_EXPIRED";

    public static ServiceResponse Ok(string requestId, string responseType, object data) =>
        new(requestId, responseType, Write(requestId, true, data, null, null), "ok", false);

    public static ServiceResponse Error(string requestId, string responseType, string code, string message, string outcome, bool retriable = false) =>
        new(requestId, responseType, Write(requestId, false, null, code, message), outcome, retriable);

    public static ServiceResponse From(string requestId, string responseType, ImException e) =>
        Error(requestId, responseType, e.Code.ToWire(), e.Message, e.IsRetriable ? "unavailable" : "error", e.IsRetriable);

    private static byte[] Write(string requestId, bool success, object? data, string? code, string? message)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("request_id", requestId);
            w.WriteBoolean("success", success);
            w.WritePropertyName("data");
            JsonSerializer.Serialize(w, data, data?.GetType() ?? typeof(object), JsonSerializerOptions.Web);
            if (code is null)
            {
                w.WriteNull("error");
            }
            else
            {
                w.WriteStartObject("error");
                w.WriteString("code", code);
                w.WriteString("message", message);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
