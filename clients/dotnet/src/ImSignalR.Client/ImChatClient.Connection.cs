using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;
using ImSignalR.Client.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Client;

public sealed partial class ImChatClient : IHubCallsSource
{
    private readonly object _stateGate = new();
    private TaskCompletionSource<HubConnectionCalls> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HubConnectionCalls? _current;
    private int _started;

    private HubConnectionCalls? CurrentCalls
    {
        get
        {
            lock (_stateGate)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// Opens the first connection. If it fails the exception is thrown and nothing is retried (a wrong
    /// URL or token should be seen at once); once connected, every later loss is retried automatically.
    /// </summary>
    /// <exception cref="ImConnectionException">The hub could not be reached or refused the connection (e.g. HTTP 401).</exception>
    /// <exception cref="ImProtocolException">The hub's handshake response was malformed.</exception>
    /// <exception cref="InvalidOperationException">Called twice.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("ConnectAsync is called once; the client reconnects by itself.");
        }
        SetState(ImConnectionState.Connecting, null);
        try
        {
            await _restored.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            Interlocked.Exchange(ref _started, 0);
            SetState(ImConnectionState.Disconnected, null);
            throw;
        }
        if (_options.ReliableInbox)
        {
            // Pushes that beat the first sync wait for it, so they cannot jump ahead of what it fetches.
            _inbox.BeginResync();
        }
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            await ConnectOnceAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.Exchange(ref _started, 0);
            SetState(ImConnectionState.Disconnected, ex);
            throw;
        }
    }

    /// <inheritdoc />
    ValueTask<IHubCalls> IHubCallsSource.WaitForConnectionAsync(CancellationToken cancellationToken) => WaitForConnectionAsync(cancellationToken);

    private async ValueTask<IHubCalls> WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            Task<HubConnectionCalls> next;
            lock (_stateGate)
            {
                if (_current is { IsConnected: true } current)
                {
                    return current;
                }
                next = _connected.Task;
            }
            if (next.IsCompleted)
            {
                // Completed for a connection that has just ended and not yet been replaced.
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var calls = new HubConnectionCalls(_options, TokenProvider());
        var connection = calls.Connection;
        // The official client runs these one at a time in arrival order; both only queue (the inbox
        // and the status pump do the rest), so a slow app handler never holds up the connection.
        connection.On<ImMessage>(HubMethods.ReceiveC2C, OnPushAsync);
        // A group is one more conversation (grp:{groupId}) of the same ordered, deduplicated inbox.
        connection.On<ImMessage>(HubMethods.ReceiveGroup, OnPushAsync);
        connection.On<GroupReadNotice>(HubMethods.GroupRead, read =>
        {
            _statuses.Writer.TryWrite(read);
            return Task.CompletedTask;
        });
        connection.On<MessageStatusUpdate>(HubMethods.MessageStatus, status =>
        {
            _statuses.Writer.TryWrite(status);
            return Task.CompletedTask;
        });
        connection.On<MessageRecall>(HubMethods.MessageRecalled, recall =>
        {
            _statuses.Writer.TryWrite(recall);
            return Task.CompletedTask;
        });
        connection.On<TypingNotice>(HubMethods.Typing, typing =>
        {
            _statuses.Writer.TryWrite(typing);
            return Task.CompletedTask;
        });
        connection.Closed += error =>
        {
            OnConnectionClosed(calls, error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await calls.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw StartFailure(ex);
        }
        lock (_stateGate)
        {
            if (!_stopping.IsCancellationRequested)
            {
                _current = calls;
                _connected.TrySetResult(calls);
            }
        }
        if (_stopping.IsCancellationRequested)
        {
            // Disposed while this attempt was connecting.
            await calls.DisposeAsync().ConfigureAwait(false);
            return;
        }
        SetState(ImConnectionState.Connected, null);
        if (!calls.IsConnected)
        {
            // Lost before it was published: its Closed event was ignored, so handle the loss here.
            OnConnectionClosed(calls, new ImConnectionException("The connection was lost right after it opened."));
            return;
        }
        if (_options.ReliableInbox)
        {
            _ = ResyncAsync(calls);
        }
    }

    private Exception StartFailure(Exception ex) => ex switch
    {
        // A handshake response that is not valid SignalR.
        InvalidDataException or System.Text.Json.JsonException => new ImProtocolException($"The hub at {_options.HubUri} answered the handshake with an invalid message: {ex.Message}", ex),
        // Unreachable, refused (HTTP 401 and the like), handshake refused or timed out.
        _ => new ImConnectionException($"Could not connect to {_options.HubUri}: {ex.Message}", ex),
    };

    private Func<Task<string?>>? TokenProvider()
    {
        var provider = _options.AccessTokenProvider;
        if (provider is null)
        {
            return null;
        }
        return async () =>
        {
            var token = await provider(_stopping.Token).ConfigureAwait(false);
            if (JwtSubject.TryRead(token) is { } subject)
            {
                if (_options.StateStore is not null && !string.Equals(subject, _options.UserId, StringComparison.Ordinal))
                {
                    // The stored outbox belongs to UserId: sending it under another account would be wrong.
                    throw new ImConnectionException($"The token is for user '{subject}', but ImChatClientOptions.UserId is '{_options.UserId}' (the state store's rows belong to that user).");
                }
                Volatile.Write(ref _userId, subject);
            }
            return token;
        };
    }

    private async Task OnPushAsync(ImMessage message)
    {
        // The bound of the release queue: a slow app holds back this connection's reads (see ReleaseQueue).
        try
        {
            await _released.WaitForRoomAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (_options.ReliableInbox)
        {
            _inbox.OnPush(message);
        }
        else
        {
            _released.Write(message);
        }
    }

    private void OnConnectionClosed(HubConnectionCalls calls, Exception? error)
    {
        calls.MarkEnded();
        lock (_stateGate)
        {
            if (_current != calls)
            {
                return;
            }
            _current = null;
            if (_stopping.IsCancellationRequested)
            {
                return;
            }
            _connected = new TaskCompletionSource<HubConnectionCalls>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (_options.ReliableInbox)
        {
            _inbox.BeginResync();
        }
        SetState(ImConnectionState.Reconnecting, error as ImConnectionException
            ?? new ImConnectionException(error is null ? "The server closed the connection." : "The connection was lost: " + error.Message, error));
        // Not awaited: this runs inside the connection's own Closed event.
        _ = calls.DisposeAsync().AsTask();
        _ = ReconnectAsync();
    }

    private async Task ReconnectAsync()
    {
        var token = _stopping.Token;
        for (var attempt = 0; !token.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(Backoff.Delay(attempt, _options.ReconnectInitialDelay, _options.ReconnectMaxDelay), token).ConfigureAwait(false);
                await ConnectOnceAsync(token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Unreachable hub, refused token, bad handshake: keep trying, the state says why.
                SetState(ImConnectionState.Reconnecting, ex);
            }
        }
    }

    private async Task ResyncAsync(HubConnectionCalls calls)
    {
        var attempt = 0;
        while (calls.IsConnected && !_stopping.IsCancellationRequested)
        {
            try
            {
                await _inbox.ResyncAsync(calls, FlushAcksAsync, _inboxSettings.MaxResyncRounds, _stopping.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (RetryableFailure.IsTransport(ex))
            {
                // The connection went: the next one resyncs.
                return;
            }
            catch (Exception ex) when (RetryableFailure.IsRetriableServer(ex))
            {
                try
                {
                    await Task.Delay(Backoff.Delay(attempt++, _options.SendRetryInitialDelay, _options.SendRetryMaxDelay), _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception)
            {
                // Refused for good: release what is buffered rather than hold it forever.
                _inbox.EndResync();
                return;
            }
        }
    }

    private async Task FlushAcksAsync(CancellationToken cancellationToken)
    {
        while (_acks.PendingCount > 0)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private void SetState(ImConnectionState state, Exception? error)
    {
        ImConnectionState previous;
        lock (_stateGate)
        {
            previous = State;
            if (previous == state && error is null)
            {
                return;
            }
            State = state;
        }
        try
        {
            StateChanged?.Invoke(new ImConnectionStateChange(previous, state, error));
        }
        catch (Exception)
        {
            // The app's handler must not break reconnecting.
        }
    }
}
