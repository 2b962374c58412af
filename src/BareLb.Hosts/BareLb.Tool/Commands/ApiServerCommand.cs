using System.Globalization;
using System.Runtime.InteropServices;
using BareLb.Kube.Testing;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb apiserver [--port N] [--kubeconfig PATH] [--tls]</c>: runs the in-memory API server until SIGINT or SIGTERM.</summary>
internal sealed class ApiServerCommand : ICommand
{
    public string Name => "apiserver";

    public string Summary => "run an in-memory Kubernetes API server on 127.0.0.1 until Ctrl+C";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new KubeApiServerOptions { KubeconfigPath = Path.Combine(Environment.CurrentDirectory, "barelb.kubeconfig") };
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    options.Port = port;
                    i++;
                    break;
                case "--kubeconfig" when i + 1 < args.Count && args[i + 1].Length > 0:
                    options.KubeconfigPath = Path.GetFullPath(args[i + 1]);
                    i++;
                    break;
                case "--tls":
                    options.UseTls = true;
                    break;
                case "-h" or "--help":
                    await output.WriteLineAsync("usage: barelb apiserver [--port N] [--kubeconfig PATH] [--tls]").ConfigureAwait(false);
                    await output.WriteLineAsync("  --port N           listen on 127.0.0.1:N (default: a free port)").ConfigureAwait(false);
                    await output.WriteLineAsync("  --kubeconfig PATH  write the kubeconfig there (default: ./barelb.kubeconfig)").ConfigureAwait(false);
                    await output.WriteLineAsync("  --tls              serve HTTPS with a generated self-signed certificate").ConfigureAwait(false);
                    return 0;
                default:
                    await error.WriteLineAsync($"barelb apiserver: invalid argument \"{args[i]}\" (see barelb apiserver --help)").ConfigureAwait(false);
                    return 2;
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        KubeApiServer server;
        try
        {
            server = await KubeApiServer.StartAsync(options, stop.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"barelb apiserver: cannot listen on 127.0.0.1:{options.Port}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"barelb apiserver listening on {server.BaseAddress}").ConfigureAwait(false);
            await output.WriteLineAsync($"kubeconfig: {server.KubeconfigPath}").ConfigureAwait(false);
            await output.WriteLineAsync($"try: kubectl --kubeconfig {server.KubeconfigPath} get svc -A").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("barelb apiserver stopping").ConfigureAwait(false);
            }
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
