using System.Diagnostics;
using System.Reflection;

// Runs the load generator in Release whatever configuration this launcher was built in: a Debug hub
// would measure the wrong thing. Arguments after `--` pass through unchanged.
var project = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .Single(a => a.Key == "BenchProject").Value!;
var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
foreach (var argument in (string[])["run", "-c", "Release", "--project", project, "--", .. args])
{
    start.ArgumentList.Add(argument);
}
using var bench = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
Console.CancelKeyPress += (_, e) =>
{
    // The bench handles Ctrl+C itself (it stops its servers); keep this process alive until it has.
    e.Cancel = true;
};
await bench.WaitForExitAsync();
return bench.ExitCode;
