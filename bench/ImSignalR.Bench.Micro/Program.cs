using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ImSignalR.Bench.Micro;

// In-process by default: the benchmark assembly is not rebuilt in a generated child project, which
// keeps runs cheap on small CI machines. Pass --job short (etc.) to pick the run length.
var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(new MessageSizeColumn())
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());

BenchmarkSwitcher.FromAssembly(typeof(HubProtocolBenchmarks).Assembly).Run(args, config);
