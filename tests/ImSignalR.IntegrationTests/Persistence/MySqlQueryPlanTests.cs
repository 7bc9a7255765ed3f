using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MySql.Data.MySqlClient;
using Xunit.Abstractions;

namespace ImSignalR.IntegrationTests.Persistence;

/// <summary>
/// Every store statement is served by an index on MariaDB/MySQL: EXPLAIN shows no full scan. EXPLAIN runs
/// through the <c>mariadb</c> command-line client because MariaDB describes EXPLAIN's columns in utf8mb3,
/// which MySql.Data 8.0.16 cannot decode; parameters are inlined as literals for that.
/// </summary>
public sealed partial class MySqlQueryPlanTests(MySqlStoreFixture fixture, ITestOutputHelper output) : IClassFixture<MySqlStoreFixture>
{
    [Fact]
    public async Task NoStoreStatementScansAWholeTable()
    {
        var cases = await QueryPlanCases.SeedAndBuildAsync(fixture.Store);
        var report = new StringBuilder();
        var failures = new List<string>();

        foreach (var (name, sql, parameters) in cases)
        {
            var lines = await ExplainAsync(Inline(sql, parameters));
            var header = lines[0].Split('\t');
            int Col(string column) => Array.IndexOf(header, column);
            report.AppendLine($"-- {name}");
            foreach (var line in lines.Skip(1))
            {
                var cells = line.Split('\t');
                string? Cell(string column) => cells[Col(column)] is "NULL" ? null : cells[Col(column)];
                var (table, type, key) = (Cell("table"), Cell("type"), Cell("key"));
                report.AppendLine($"   {Cell("select_type")} table={table ?? "-"} type={type ?? "-"} key={key ?? "-"} rows={Cell("rows") ?? "-"} extra={Cell("Extra")}");
                // No table: the optimizer answered from the index alone ("Select tables optimized away").
                if (table is not null && (type is "ALL" or "index" || key is null))
                {
                    failures.Add($"{name}: {table} type={type} key={key ?? "none"}");
                }
            }
        }

        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + report);
    }

    private async Task<string[]> ExplainAsync(string sql)
    {
        var cs = new MySqlConnectionStringBuilder(fixture.ConnectionString);
        var start = new ProcessStartInfo("mariadb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--no-defaults", "--protocol=tcp", "-h", cs.Server, "-P", cs.Port.ToString(CultureInfo.InvariantCulture),
                     "-u", cs.UserID, "--batch", "--default-character-set=utf8mb4", cs.Database })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["MYSQL_PWD"] = cs.Password;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("EXPLAIN " + sql + ";\n");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"mariadb client failed: {await stderr}\n{sql}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Inline(string sql, object parameters)
    {
        var values = parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters), StringComparer.Ordinal);
        return ParameterPattern().Replace(sql, m => values.TryGetValue(m.Groups[1].Value, out var v) ? Literal(v) : m.Value);
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'",
        long[] list => "(" + string.Join(", ", list) + ")",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"No literal for {value.GetType()}"),
    };

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterPattern();
}
