using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Signals;
using BareLb.Speaker.Commands;
using BareLb.Speaker.Kubernetes;

// First, before Console or the host touch the runtime's signal handling.
TerminationSignals.Restore();
return await StartupFailures.RunAsync(() => CommandLineRunner.InvokeAsync("barelb-speaker", new SpeakerCommandLine().Create(), args)).ConfigureAwait(false);
