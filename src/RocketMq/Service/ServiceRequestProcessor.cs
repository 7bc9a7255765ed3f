using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.RocketMq.Service;

/// <summary>
/// Executes SPEC §13 requests: <c>send_message</c> (as <c>user_id</c>, the rules and guarantees of SendC2C, or of
/// SendGroup when <c>data.group_id</c> is given; the
/// request_id is the idempotency key when no client_msg_id is given) and <c>get_history</c> (a chat user_id is
/// part of). Every delivery gets an answer: malformed, unknown, expired and refused requests get an error
/// response, never an exception that would stall the queue. At most once per request_id (a redelivery answers
/// the first response again); a request born longer ago than the TTL is answered <c>expired</c>, not run.
/// </summary>
internal sealed class ServiceRequestProcessor
{
    public const string SendMessage = "send_message";
    public const string GetHistory = "get_history";
    private const int TextFormat = 1;

    private readonly Func<string, SendRequest, CancellationToken, Task<SendResult>> _send;
    private readonly Func<string, HistoryRequest, CancellationToken, Task<HistoryResult>> _history;
    private readonly Func<string, SendGroupRequest, CancellationToken, Task<SendResult>>? _sendGroup;
    private readonly ServiceResponseCache _cache;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;

    public ServiceRequestProcessor(
        Func<string, SendRequest, CancellationToken, Task<SendResult>> send,
        Func<string, HistoryRequest, CancellationToken, Task<HistoryResult>> history,
        TimeSpan ttl, TimeProvider time,
        Func<string, SendGroupRequest, CancellationToken, Task<SendResult>>? sendGroup = null)
    {
        _send = send;
        _history = history;
        _sendGroup = sendGroup;
        _ttl = ttl;
        _time = time;
        _cache = new ServiceResponseCache(ttl * 2 > TimeSpan.FromMinutes(1) ? ttl * 2 : TimeSpan.FromMinutes(1), time);
    }

    /// <summary>The answer to one delivery, or null when it cannot be answered (no usable request_id).</summary>
    public async Task<(ServiceResponse? Response, string Action, bool Repeated)> ProcessAsync(
        ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> properties, long bornTimestamp, CancellationToken cancellationToken)
    {
        var (request, requestId, error) = ServiceRequest.Parse(body.Span, properties);
        if (request is null)
        {
            return (requestId is null ? null : ServiceResponse.Error(requestId, "error", ImErrorCode.InvalidArgument.ToWire(), error!, "malformed"), "unknown", false);
        }
        var action = request.Action is SendMessage or GetHistory ? request.Action : "unknown";
        var (response, repeated) = await _cache.GetOrExecuteAsync(request.RequestId, () => ExecuteAsync(request, bornTimestamp, cancellationToken)).ConfigureAwait(false);
        return (response, action, repeated);
    }

    private async Task<ServiceResponse> ExecuteAsync(ServiceRequest request, long bornTimestamp, CancellationToken cancellationToken)
    {
        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(bornTimestamp);
        if (age > _ttl)
        {
            return ServiceResponse.Error(request.RequestId, "expired", ServiceResponse.ExpiredCode,
                $"The request is {(long)age.TotalMilliseconds} ms old; requests expire after {(long)_ttl.TotalMilliseconds} ms.", "expired");
        }
        try
        {
            return request.Action switch
            {
                SendMessage => await SendAsync(request, cancellationToken).ConfigureAwait(false),
                GetHistory => await HistoryAsync(request, cancellationToken).ConfigureAwait(false),
                _ => ServiceResponse.Error(request.RequestId, "error", ImErrorCode.InvalidArgument.ToWire(),
                    $"Unknown action; use {SendMessage} or {GetHistory}.", "malformed"),
            };
        }
        catch (ImException e)
        {
            return ServiceResponse.From(request.RequestId, request.Action, e);
        }
        catch (FormatException e)
        {
            return ServiceResponse.Error(request.RequestId, request.Action, ImErrorCode.InvalidArgument.ToWire(), e.Message, "malformed");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not the request: answer it (retriable, not remembered) rather than stall the queue with retries.
            return ServiceResponse.Error(request.RequestId, request.Action, ImErrorCode.Internal.ToWire(),
                "The server failed to handle the request: " + e.GetType().Name, "internal", retriable: true);
        }
    }

    private async Task<ServiceResponse> SendAsync(ServiceRequest request, CancellationToken cancellationToken)
    {
        var msgFormat = request.DataLong("msg_format");
        // msg_format is optional here (SPEC §13); SendC2C and SendGroup require one: text.
        var format = msgFormat is null ? TextFormat : (int)Math.Clamp(msgFormat.Value, int.MinValue, int.MaxValue);
        var clientMsgId = request.DataString("client_msg_id") ?? request.RequestId;
        SendResult result;
        if (request.DataString("group_id") is { } groupId)
        {
            if (request.DataString("to_user_id") is not null)
            {
                throw ImException.Invalid("Give to_user_id or group_id, not both.");
            }
            if (_sendGroup is null)
            {
                throw ImException.Invalid("Group messages are not available on this server; send to_user_id.");
            }
            // A SendGroup as user_id: membership, limits, moderation and G1-G3 exactly as the hub method.
            result = await _sendGroup(request.UserId, new SendGroupRequest
            {
                GroupId = groupId,
                Content = request.DataString("message"),
                MsgFormat = format,
                ClientMsgId = clientMsgId,
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result = await _send(request.UserId, new SendRequest
            {
                ToUserId = request.DataString("to_user_id"),
                Content = request.DataString("message"),
                MsgFormat = format,
                ClientMsgId = clientMsgId,
            }, cancellationToken).ConfigureAwait(false);
        }
        return ServiceResponse.Ok(request.RequestId, SendMessage, new SendData(result.MsgId, result.ChatId, result.Seq, result.ServerTime, result.Duplicate, "sent"));
    }

    private async Task<ServiceResponse> HistoryAsync(ServiceRequest request, CancellationToken cancellationToken)
    {
        var limit = request.DataLong("limit");
        var result = await _history(request.UserId, new HistoryRequest
        {
            ChatId = request.DataString("chat_id"),
            BeforeSeq = request.DataLong("before_seq"),
            Limit = limit is null ? null : (int)Math.Clamp(limit.Value, int.MinValue, int.MaxValue),
        }, cancellationToken).ConfigureAwait(false);
        return ServiceResponse.Ok(request.RequestId, GetHistory, new HistoryData(result.Messages, result.HasMore));
    }

    private sealed record SendData(
        [property: System.Text.Json.Serialization.JsonPropertyName("message_id")] string MessageId,
        [property: System.Text.Json.Serialization.JsonPropertyName("chat_id")] string ChatId,
        long Seq,
        [property: System.Text.Json.Serialization.JsonPropertyName("server_time")] long ServerTime,
        bool Duplicate,
        string Status);

    private sealed record HistoryData(
        IReadOnlyList<ImMessage> Messages,
        [property: System.Text.Json.Serialization.JsonPropertyName("has_more")] bool HasMore);
}
