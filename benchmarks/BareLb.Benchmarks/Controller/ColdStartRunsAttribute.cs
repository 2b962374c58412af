using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// Makes every job of the class (including the one <c>--inProcess</c> builds from the command line, which a
/// <c>[SimpleJob]</c> would sit beside instead of change) run cold: three launches of one iteration each, no
/// warm-up and no pilot, because one iteration is a whole cold start of many seconds. Out of process (the
/// default), each launch is a fresh process whose JIT has never run the controller, as when barelb-controller
/// starts; with <c>--inProcess</c> there is one launch, already warm from whatever ran before it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class ColdStartRunsAttribute() : JobMutatorConfigBaseAttribute(
    Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(3).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1));
