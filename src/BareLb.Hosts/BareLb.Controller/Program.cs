// barelb-controller: wiring only. The controller, leader election and metrics live in BareLb.Kube; health,
// readiness, /metrics, signals and logging in BareLb.Hosting.
using BareLb.Controller;
using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Signals;

// First, before Console or the host touch the runtime's signal handling.
TerminationSignals.Restore();
return await CommandLineRunner.InvokeAsync("barelb-controller", new ControllerCommandLine().Create(), args).ConfigureAwait(false);
