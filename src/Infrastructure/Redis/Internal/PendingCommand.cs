using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>A command waiting to be written or for its reply; completes once (reply, timeout, cancel or failure).</summary>
internal sealed class PendingCommand : TaskCompletionSource<RedisValue>
{
    public PendingCommand(RedisArg[] args, long deadline)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Args = args;
        Deadline = deadline;
    }

    public RedisArg[] Args { get; }

    /// <summary><see cref="Environment.TickCount64"/> after which the command times out.</summary>
    public long Deadline { get; }

    public CancellationTokenRegistration Cancellation { get; set; }

    public void Complete(in RedisValue reply)
    {
        Cancellation.Dispose();
        if (reply.IsError)
        {
            TrySetException(new RedisServerException(reply.AsString() ?? "ERR"));
        }
        else
        {
            TrySetResult(reply);
        }
    }

    public void Fail(Exception error)
    {
        Cancellation.Dispose();
        TrySetException(error);
    }

    public string Name => Args.Length > 0 ? Args[0].ToString() : "?";
}
