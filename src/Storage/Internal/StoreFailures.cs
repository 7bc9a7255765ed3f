using System.Data.Common;
using System.Net.Sockets;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using MySqlConnector;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// Turns driver failures into the one domain exception, so no MySqlException/SqliteException crosses the
/// port. The original stays as the inner exception for logs.
/// </summary>
internal static class StoreFailures
{
    /// <summary>
    /// Server errors, command timeouts and failed connects are <see cref="DbException"/>s in both drivers
    /// (MySqlConnector: <c>MySqlException</c> with its <c>ErrorCode</c>); a connection lost mid-reply surfaces
    /// as an <see cref="IOException"/> (MySqlConnector's end-of-stream) or, when the reply no longer parses,
    /// as <see cref="MySqlProtocolException"/>. All of them mean "the store did not answer": retriable.
    /// </summary>
    public static bool IsDriverFailure(Exception exception) => exception is
        DbException or TimeoutException or SocketException or IOException or MySqlProtocolException;

    public static Exception Translate(Exception exception, string operation, CancellationToken cancellationToken)
    {
        // A cancelled call is the caller's decision, not an outage; drivers report it in their own ways.
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException(cancellationToken);
        }
        return new ImException(ImErrorCode.StoreUnavailable, $"The message store failed during {operation}: {exception.Message}", exception);
    }
}
