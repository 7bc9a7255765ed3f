using System.Text.Json;

namespace ImSignalR.RocketMq.Service;

/// <summary>A parsed SPEC §13 request: <c>{"request_id","user_id","action","data"}</c>.</summary>
internal sealed record ServiceRequest(string RequestId, string UserId, string Action, JsonElement Data)
{
    public const int MaxRequestIdLength = 128;
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Parses the body; the <c>request_id</c> property stands in when the body lacks one, so even a broken body
    /// can be answered. Returns the error text for a request that cannot run.
    /// </summary>
    public static (ServiceRequest? Request, string? RequestId, string? Error) Parse(ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string> properties)
    {
        var requestId = properties.GetValueOrDefault("request_id");
        if (body.Length > MaxBodyBytes)
        {
            return (null, Valid(requestId), $"The request body exceeds {MaxBodyBytes} bytes.");
        }
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Valid(requestId), "The request body is not a JSON object.");
            }
            requestId = Str(root, "request_id") ?? requestId;
            if (Valid(requestId) is not { } id)
            {
                return (null, null, "request_id is missing, empty, longer than 128 characters or has control characters.");
            }
            var userId = Str(root, "user_id");
            var action = Str(root, "action");
            if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(action))
            {
                return (null, id, "user_id and action are required strings.");
            }
            var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
            if (data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                return (null, id, "data must be an object.");
            }
            return (new ServiceRequest(id, userId, action, data), id, null);
        }
        catch (JsonException)
        {
            return (null, Valid(requestId), "The request body is not valid JSON.");
        }
    }

    public string? DataString(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"data.{name} must be a string.")
            : null;

    public long? DataLong(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw new FormatException($"data.{name} must be an integer.")
            : null;

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Valid(string? requestId) =>
        !string.IsNullOrEmpty(requestId) && requestId.Length <= MaxRequestIdLength && !requestId.Any(char.IsControl) ? requestId : null;
}
