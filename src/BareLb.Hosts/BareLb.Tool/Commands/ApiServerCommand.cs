using System.Globalization;
using System.Runtime.InteropServices;
using BareLb.Kube.Testing;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb apiserver [--port N] [--kubeconfig PATH] [--tls] [--service-cidr CIDR[,CIDR]]</c>: runs the in-memory API server until SIGINT or SIGTERM.</summary>
internal sealed class ApiServerCommand : ICommand
{
    public string Name => "apiserver";

    private const string Usage = """
        usage: barelb apiserver [--port N] [--kubeconfig PATH] [--tls] [--service-cidr CIDR[,CIDR]]
          --port N           listen on 127.0.0.1:N (default 0: a free port)
          --kubeconfig PATH  write the kubeconfig there (default ./barelb.kubeconfig)
          --tls              serve HTTPS with a self-signed certificate generated at start
          --service-cidr C   the Services' cluster IP range (default 10.96.0.0/12); two of different families,
                             comma-separated, make a dual-stack cluster, e.g. 10.96.0.0/12,2001:db8:ffff::/112
        """;

    public string Summary => "run an in-memory Kubernetes API server on 127.0.0.1 until Ctrl+C";

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"barelb apiserver: {message}").ConfigureAwait(false);
        await error.WriteLineAsync(Usage).ConfigureAwait(false);
        return 2;
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new KubeApiServerOptions { KubeconfigPath = Path.Combine(Environment.CurrentDirectory, "barelb.kubeconfig") };
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return await FailAsync(error, $"--port needs a port number from 0 (any free port) to 65535, got \"{value}\"").ConfigureAwait(false);
                    }

                    options.Port = port;
                    i++;
                    break;
                case "--kubeconfig":
                    if (string.IsNullOrEmpty(value))
                    {
                        return await FailAsync(error, "--kubeconfig needs a file path").ConfigureAwait(false);
                    }

                    options.KubeconfigPath = Path.GetFullPath(value);
                    i++;
                    break;
                case "--tls":
                    options.UseTls = true;
                    break;
                case "--service-cidr":
                    if (string.IsNullOrEmpty(value))
                    {
                        return await FailAsync(error, "--service-cidr needs one CIDR, or two of different families separated by a comma").ConfigureAwait(false);
                    }

                    options.ServiceClusterIpRange = value;
                    i++;
                    break;
                case "-h" or "--help":
                    await output.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 0;
                default:
                    return await FailAsync(error, $"unknown argument \"{args[i]}\"").ConfigureAwait(false);
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
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            return await FailAsync(error, $"--service-cidr {options.ServiceClusterIpRange}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}").ConfigureAwait(false);
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
