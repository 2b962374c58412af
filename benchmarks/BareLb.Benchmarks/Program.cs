using BareLb.Benchmarks.Controller;
using BenchmarkDotNet.Running;

// Benchmarks that count things besides time report them through a file named here, which the processes
// BenchmarkDotNet launches inherit, so that their columns work out of process too.
using var results = ScaleResults.ShareWithLaunchedProcesses();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
