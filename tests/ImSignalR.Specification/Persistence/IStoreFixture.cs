using ImSignalR.Domain.Ports;
using ImSignalR.Storage;

namespace ImSignalR.Specification.Persistence;

/// <summary>What <see cref="MessageStoreContract{TFixture}"/> needs from an adapter's fixture.</summary>
public interface IStoreFixture
{
    /// <summary>A store on a migrated database shared by the collection; tests isolate by unique ids.</summary>
    IMessageStore Store { get; }

    StoreMigrator Migrator { get; }

    /// <summary>The block list (migration 002) on the same shared database.</summary>
    IBlockStore Blocks { get; }

    /// <summary>The group tables (migration 005) on the same shared database.</summary>
    IGroupStore Groups { get; }

    /// <summary>The daily statistics (migration 004) on the same shared database.</summary>
    IStatsStore Stats { get; }

    /// <summary>
    /// Creates a new, empty database (dropped with the fixture) and returns how to start a "node" on it:
    /// each call of the result builds its own service provider, as a separate process would.
    /// </summary>
    Task<Func<(StoreMigrator Migrator, IMessageStore Store)>> CreateFreshDatabaseAsync();

    /// <summary>A store whose database cannot be reached.</summary>
    IMessageStore CreateUnreachableStore();
}
