using System.Text;
using Dapper;
using MySqlConnector;
using Xunit.Abstractions;

namespace ImSignalR.IntegrationTests.Persistence;

/// <summary>
/// Every store statement is served by an index on MariaDB/MySQL: EXPLAIN shows no full scan. EXPLAIN runs
/// through the store's own driver with the store's parameters (MySqlConnector binds them client-side, so
/// the optimizer sees the same literals it sees in production).
/// </summary>
public sealed class MySqlQueryPlanTests(MySqlStoreFixture fixture, ITestOutputHelper output) : IClassFixture<MySqlStoreFixture>
{
    [Fact]
    public async Task NoStoreStatementScansAWholeTable()
    {
        var cases = await QueryPlanCases.SeedAndBuildAsync(fixture.Store, mySql: true);
        await using var connection = new MySqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var report = new StringBuilder();
        var failures = new List<string>();

        foreach (var (name, sql, parameters) in cases)
        {
            var rows = await connection.QueryAsync<ExplainRow>(new CommandDefinition("EXPLAIN " + sql, parameters));
            report.AppendLine($"-- {name}");
            foreach (var row in rows)
            {
                report.AppendLine($"   {row.select_type} table={row.table ?? "-"} type={row.type ?? "-"} key={row.key ?? "-"} rows={row.rows ?? "-"} extra={row.Extra}");
                // No table: the optimizer answered from the index alone ("Select tables optimized away").
                if (row.table is not null && (row.type is "ALL" or "index" || row.key is null))
                {
                    failures.Add($"{name}: {row.table} type={row.type} key={row.key ?? "none"}");
                }
            }
        }

        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + report);
    }

    // Named as EXPLAIN names its columns, so Dapper maps them without aliases; the others are ignored.
#pragma warning disable IDE1006, CA1707, SA1300
    private sealed class ExplainRow
    {
        public string? select_type { get; init; }

        public string? table { get; init; }

        public string? type { get; init; }

        public string? key { get; init; }

        public object? rows { get; init; }

        public string? Extra { get; init; }
    }
#pragma warning restore IDE1006, CA1707, SA1300
}
