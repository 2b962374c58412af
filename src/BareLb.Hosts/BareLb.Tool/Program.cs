using BareLb.Tool.Commands;

return await CommandDispatcher.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
