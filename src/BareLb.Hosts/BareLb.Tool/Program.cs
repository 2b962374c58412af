using BareLb.Hosting.CommandLine;
using BareLb.Kube.Serialization;
using BareLb.Hosting.Signals;
using BareLb.Tool.Commands;

// First, before Console touches the runtime's signal handling.
TerminationSignals.Restore();

// The lab and the guide read and write every kind a cluster has, not only the speaker's and the controller's.
KubeJson.IncludeAllBuiltInKinds();
return await CommandLineRunner.InvokeAsync("barelb", ToolCommandLine.Create(Console.Out, Console.Error), args, Console.Out, Console.Error).ConfigureAwait(false);
