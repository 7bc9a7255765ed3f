using Microsoft.Extensions.Logging;

namespace ImSignalR.Storage.Internal;

/// <summary>Persistence log messages; event ids 4000-4099.</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "{Dialect} store: applied migrations {Versions}")]
    public static partial void MigrationsApplied(ILogger logger, string dialect, string versions);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "{Dialect} store: schema is current")]
    public static partial void SchemaCurrent(ILogger logger, string dialect);
}
