using ImSignalR.Infrastructure.Persistence.Internal;
using ImSignalR.Infrastructure.Persistence.MySql.Internal;

namespace ImSignalR.Infrastructure.Persistence.MySql;

/// <summary>
/// The cluster store on MySQL/MariaDB. All logic is shared with SQLite in <see cref="SqlMessageStore"/>;
/// writes use pooled connections at READ COMMITTED, InnoDB row locks order concurrent writers.
/// </summary>
internal sealed class MySqlMessageStore(IDbConnectionFactory connections)
    : SqlMessageStore(connections, MySqlDialect.Instance);
