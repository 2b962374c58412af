using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Signals;
using BareLb.Tool.Commands;

// First, before Console touches the runtime's signal handling.
TerminationSignals.Restore();
return await CommandLineRunner.InvokeAsync("barelb", ToolCommandLine.Create(Console.Out, Console.Error), args, Console.Out, Console.Error).ConfigureAwait(false);
