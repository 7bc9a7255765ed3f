using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>Validation and moderation, before the dedupe key is taken or anything is written.</summary>
public sealed partial class SendService
{
    private async ValueTask<Draft> ModerateAsync(Draft draft, CancellationToken cancellationToken) =>
        draft with { Content = await TextModeration.ReviewAsync(_moderator, _metrics, _options.MaxContentBytes, draft.From, draft.Content, draft.MsgFormat,
            cancellationToken).ConfigureAwait(false) };

    private Draft Validate(string fromUserId, SendRequest? request)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var clientMsgId = ClientMsgIds.Validate(request.ClientMsgId);
        var to = UserIds.Validate(request.ToUserId, "toUserId");
        if (string.Equals(to, fromUserId, StringComparison.Ordinal))
        {
            throw new ImException(ImErrorCode.InvalidRecipient, "'toUserId' must be another user.");
        }
        if (request.MsgFormat is not { } format)
        {
            throw new ImException(ImErrorCode.InvalidMsgFormat, "'msgFormat' is required.");
        }
        MsgFormats.Validate(format);
        if (string.IsNullOrEmpty(request.Content))
        {
            throw ImException.Invalid("'content' is required.");
        }
        TextLimits.Check(request.Content, "content", _options.MaxContentBytes, ImErrorCode.ContentTooLarge);
        if (request.Ext is not null)
        {
            TextLimits.Check(request.Ext, "ext", _options.MaxExtBytes, ImErrorCode.ExtTooLarge);
        }
        return new Draft(fromUserId, to, clientMsgId, request.Content, format, request.Ext);
    }
}
