namespace ImSignalR.Storage;

/// <summary>The <c>Im:Store</c> section (SPEC §7, §8): which system of record, and where.</summary>
public sealed class ImStoreOptions
{
    /// <summary>The configuration section bound by <see cref="StorageServiceCollectionExtensions.AddImStorage"/>.</summary>
    public const string Section = "Im:Store";

    /// <summary><c>Sqlite</c> (embedded, one node) or <c>MySql</c> (MySQL/MariaDB, shared by a cluster).</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The provider's connection string (Microsoft.Data.Sqlite or MySqlConnector syntax).</summary>
    public string ConnectionString { get; set; } = "Data Source=./data/im.db";

    /// <summary>True for the MySQL/MariaDB provider, the one several nodes can share.</summary>
    public bool IsShared => string.Equals(Provider, "MySql", StringComparison.Ordinal);
}
