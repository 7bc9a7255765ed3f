using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

internal sealed class FakeInvocationBinder : IInvocationBinder
{
    private readonly Dictionary<string, Type[]> _parameters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Type> _returns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _streamItems = new(StringComparer.Ordinal);

    public FakeInvocationBinder Method(string name, params Type[] parameters)
    {
        _parameters[name] = parameters;
        return this;
    }

    public FakeInvocationBinder Returns(string invocationId, Type type)
    {
        _returns[invocationId] = type;
        return this;
    }

    public FakeInvocationBinder StreamItem(string streamId, Type type)
    {
        _streamItems[streamId] = type;
        return this;
    }

    public IReadOnlyList<Type> GetParameterTypes(string methodName) =>
        _parameters.TryGetValue(methodName, out var types) ? types : throw new HubException("Method does not exist.");

    public Type GetReturnType(string invocationId) =>
        _returns.TryGetValue(invocationId, out var type) ? type : throw new InvalidOperationException("No pending invocation.");

    public Type GetStreamItemType(string streamId) =>
        _streamItems.TryGetValue(streamId, out var type) ? type : throw new InvalidOperationException("No stream.");
}
