using BareLb.Speaker.Commands;

return await CommandDispatcher.RunAsync(args).ConfigureAwait(false);
