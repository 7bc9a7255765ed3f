using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ImSignalR.IntegrationTests.Persistence;

/// <summary>Every store statement is served by an index on SQLite: EXPLAIN QUERY PLAN shows no table SCAN.</summary>
public sealed class SqliteQueryPlanTests(SqliteStoreFixture fixture, ITestOutputHelper output) : IClassFixture<SqliteStoreFixture>
{
    [Fact]
    public async Task NoStoreStatementScansAWholeTable()
    {
        var cases = await QueryPlanCases.SeedAndBuildAsync(fixture.Store, mySql: false);
        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath}");
        await connection.OpenAsync();
        await connection.ExecuteAsync(new CommandDefinition("ANALYZE", commandType: System.Data.CommandType.Text));
        var report = new StringBuilder();
        var failures = new List<string>();

        foreach (var (name, sql, parameters) in cases)
        {
            var rows = await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
                new CommandDefinition("EXPLAIN QUERY PLAN " + sql, parameters));
            report.AppendLine($"-- {name}");
            foreach (var row in rows)
            {
                report.AppendLine("   " + row.Detail);
                // "SCAN t" alone walks the table; "SCAN t USING (COVERING) INDEX" walks an index in order.
                if (row.Detail.StartsWith("SCAN ", StringComparison.Ordinal) && !row.Detail.Contains("USING", StringComparison.Ordinal))
                {
                    failures.Add($"{name}: {row.Detail}");
                }
            }
        }

        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + report);
    }
}
