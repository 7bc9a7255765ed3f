namespace ImSignalR.Domain.Services;

/// <summary>
/// Serialises the ordering step of sends per conversation (striped, so memory stays fixed): the seq
/// allocated under the lock takes its place in the message log before the next send of that
/// conversation allocates, so on one node durable order equals seq order and a reader never sees
/// seq n+1 before seq n (G3, G5).
/// </summary>
internal sealed class ChatLocks
{
    private readonly SemaphoreSlim[] _stripes;

    public ChatLocks(int stripes = 4096)
    {
        _stripes = new SemaphoreSlim[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public async ValueTask<Releaser> AcquireAsync(string chatId, CancellationToken cancellationToken)
    {
        // A stable, cheap hash: string.GetHashCode is randomised per process, which is fine here
        // because stripes are local to this process.
        var stripe = _stripes[(int)((uint)chatId.GetHashCode() % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
