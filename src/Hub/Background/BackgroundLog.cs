namespace ImSignalR.Hub.Background;

/// <summary>Background service log messages: event ids 2200–2299.</summary>
internal static partial class BackgroundLog
{
    [LoggerMessage(2201, LogLevel.Warning, "Sweeper pass failed; retrying on the next tick.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(2202, LogLevel.Information, "Store migrated ({Provider}).")]
    public static partial void StoreMigrated(ILogger logger, string provider);

    [LoggerMessage(2203, LogLevel.Information, "ImSignalR node {NodeId} started in {Mode} mode with roles {Roles}.")]
    public static partial void Started(ILogger logger, int nodeId, string mode, string roles);

    [LoggerMessage(2204, LogLevel.Warning, "Im:NodeId is not set; derived {NodeId} from the host name and process id. Set it explicitly so ids are unique across nodes.")]
    public static partial void NodeIdDerived(ILogger logger, int nodeId);
}
