using BareLb.Speaker.Commands;

// First, before Console or the host touch the runtime's signal handling.
TerminationSignals.Restore();
return await CommandDispatcher.RunAsync(args).ConfigureAwait(false);
