using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.InProcess;

/// <summary>One node: a change is announced to this node's subscribers only.</summary>
public sealed class LocalBlockListChanges : IBlockListChanges
{
    private Action<string>? _subscribers;

    public void Subscribe(Action<string> changedUserId) => _subscribers += changedUserId;

    public Task PublishAsync(string userId, CancellationToken cancellationToken)
    {
        _subscribers?.Invoke(userId);
        return Task.CompletedTask;
    }
}
