using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// Makes every job of the class (including the one <c>--inProcess</c> builds from the command line, which a
/// <c>[SimpleJob]</c> would sit beside instead of change) run a few cold iterations: one invocation each, no
/// warm-up and no pilot, because one iteration is a whole cold start of many seconds.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class ColdStartRunsAttribute() : JobMutatorConfigBaseAttribute(
    Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1));
