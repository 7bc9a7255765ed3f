using ImSignalR.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Bench.Micro;

/// <summary>What a client's binder answers for its <c>ReceiveC2C</c> handler.</summary>
internal sealed class ReceiveC2CBinder : IInvocationBinder
{
    private static readonly Type[] Parameters = [typeof(ImMessage)];

    public IReadOnlyList<Type> GetParameterTypes(string methodName) => Parameters;

    public Type GetReturnType(string invocationId) => typeof(object);

    public Type GetStreamItemType(string streamId) => typeof(object);
}
