using System.Security.Claims;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ImSignalR.Hub.Endpoints;

/// <summary>REST for services and tools (SPEC §3.5). Same services, same checks as the hub.</summary>
internal static class MessagesEndpoints
{
    public static void MapImRest(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization();

        api.MapGet("/conversations", (ClaimsPrincipal user, QueryService query, CancellationToken ct) =>
            ImResults.Run(() => query.GetConversationsAsync(UserId(user), ct)));

        api.MapGet("/messages", (string? chatId, long? beforeSeq, int? limit, ClaimsPrincipal user, QueryService query, CancellationToken ct) =>
            ImResults.Run(() => query.GetHistoryAsync(UserId(user), new HistoryRequest { ChatId = chatId, BeforeSeq = beforeSeq, Limit = limit }, ct)));

        api.MapPost("/messages", (ServiceSendRequest? request, ClaimsPrincipal user, SendService send, CancellationToken ct) =>
        {
            if (!ImClaims.HasScope(user, ImClaims.SendScope))
            {
                return Task.FromResult(ImResults.Error(new ImException(ImErrorCode.Forbidden, $"Sending on behalf of a user needs the '{ImClaims.SendScope}' scope.")));
            }
            return ImResults.Run(() =>
            {
                var from = UserIds.Validate(request?.FromUserId, "fromUserId");
                var body = new SendRequest
                {
                    ClientMsgId = request!.ClientMsgId,
                    ToUserId = request.ToUserId,
                    Content = request.Content,
                    MsgFormat = request.MsgFormat,
                    Ext = request.Ext,
                };
                return send.SendAsync(from, body, senderConnectionId: null, ct);
            });
        });
    }

    private static string UserId(ClaimsPrincipal user) =>
        user.FindFirst(JwtRegisteredClaimNames.Sub)?.Value ?? throw new ImException(ImErrorCode.Unauthorized, "No user.");

    internal sealed record ServiceSendRequest(string? FromUserId, string? ClientMsgId, string? ToUserId, string? Content, int? MsgFormat, string? Ext);
}
