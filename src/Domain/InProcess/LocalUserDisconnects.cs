using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.InProcess;

/// <summary>One node: a disconnect request reaches this node's subscribers only.</summary>
public sealed class LocalUserDisconnects : IUserDisconnects
{
    private Action<string>? _subscribers;

    public void Subscribe(Action<string> userId) => _subscribers += userId;

    public Task PublishAsync(string userId, CancellationToken cancellationToken)
    {
        _subscribers?.Invoke(userId);
        return Task.CompletedTask;
    }
}
