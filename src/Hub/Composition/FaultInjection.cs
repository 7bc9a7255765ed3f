using System.Diagnostics;
using ImSignalR.Domain.Messaging;
using ImSignalR.Hub.Settings;

namespace ImSignalR.Hub.Composition;

/// <summary>The faults <see cref="FaultSettings"/> can switch on, for the failure suite.</summary>
internal static class FaultInjection
{
    public static Action<ChatMessage>? KillAfterCommit(FaultSettings faults)
    {
        var prefix = faults.KillAfterCommitClientMsgIdPrefix;
        if (string.IsNullOrEmpty(prefix))
        {
            return null;
        }
        return message =>
        {
            if (message.ClientMsgId.StartsWith(prefix, StringComparison.Ordinal))
            {
                // SIGKILL on Linux: no flush, no graceful stop, no cleanup of presence entries or dedupe keys.
                Process.GetCurrentProcess().Kill();
            }
        };
    }
}
