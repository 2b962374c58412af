using BareLb.Benchmarks.Controller;
using BareLb.Benchmarks.Failover;
using BareLb.Benchmarks.Footprint;
using BareLb.Kube.Serialization;
using BenchmarkDotNet.Running;

// The harnesses create CustomResourceDefinitions and other kinds the hosts never read.
KubeJson.IncludeAllBuiltInKinds();

// Harnesses that take seconds per run, outside BenchmarkDotNet.
switch (args)
{
    case ["footprint", ..]:
        return await FootprintHarness.RunAsync(args[1..]);
    case ["footprint-speaker", ..]:
        return await SpeakerFootprint.RunAsync(args[1..]);
    case ["footprint-speaker-inner", ..]:
        return await SpeakerFootprint.RunInnerAsync(args[1..]);
    case ["footprint-anchor"]:
        return await FootprintHarness.RunAnchorAsync();
    case ["failover", ..]:
        return await FailoverHarness.RunAsync(args[1..]);
}

// Benchmarks that count things besides time report them through a file named here, which the processes
// BenchmarkDotNet launches inherit, so that their columns work out of process too.
using var results = ScaleResults.ShareWithLaunchedProcesses();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
