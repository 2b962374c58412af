using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.CommandLine;
using BareLb.Hosting.CommandLine;
using BareLb.Kube.Testing;

namespace BareLb.Tool.Commands;

/// <summary>
/// <c>barelb apiserver [--port N | --listen HOST:PORT] [--kubeconfig PATH] [--tls] [--service-cidr CIDR[,CIDR]] [--service-account NS/NAME]...</c>:
/// runs the in-memory API server until SIGINT or SIGTERM.
/// </summary>
internal sealed class ApiServerCommand : IToolCommand
{
    private readonly Option<string?> _port = new("--port") { Description = "listen on 127.0.0.1:N (default 0: a free port)", HelpName = "N" };
    private readonly Option<string?> _listen = new("--listen")
    {
        Description = "listen on HOST:PORT instead of 127.0.0.1 (an address of this host, e.g. a bridge address that network namespaces reach; [v6]:PORT for IPv6; PORT 0 picks a free one)",
        HelpName = "HOST:PORT",
    };
    private readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "write the kubeconfig there (default ./barelb.kubeconfig)", HelpName = "PATH" };
    private readonly Option<bool> _tls = new("--tls") { Description = "serve HTTPS with a self-signed certificate generated at start" };
    private readonly Option<string?> _serviceCidr = new("--service-cidr")
    {
        Description = "the Services' cluster IP range (default 10.96.0.0/12); two of different families, comma-separated, make a dual-stack cluster, e.g. 10.96.0.0/12,2001:db8:ffff::/112",
        HelpName = "CIDR[,CIDR]",
    };

    private readonly Option<string[]> _serviceAccounts = new("--service-account")
    {
        Description = "also write a kubeconfig that acts as this ServiceAccount (kubeconfig-NS-NAME beside --kubeconfig): its requests get only what the stored RBAC grants it; repeatable",
        HelpName = "NS/NAME",
        AllowMultipleArgumentsPerToken = false,
    };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("apiserver", "run an in-memory Kubernetes API server (on 127.0.0.1 unless --listen) until Ctrl+C") { _port, _listen, _kubeconfig, _tls, _serviceCidr, _serviceAccounts };
        command.SetAction((result, ct) => RunAsync(result, output, error, ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new KubeApiServerOptions { KubeconfigPath = Path.GetFullPath(result.GetValue(_kubeconfig) ?? Path.Combine(Environment.CurrentDirectory, "barelb.kubeconfig")) };
        if (result.GetValue(_port) is { } portText)
        {
            options.Port = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
                ? port
                : throw new UsageException($"--port needs a port number from 0 (any free port) to 65535, got \"{portText}\"");
        }

        if (result.GetValue(_listen) is { } listenText)
        {
            if (result.GetValue(_port) is not null)
            {
                throw new UsageException("--listen and --port both give the port: use one of them");
            }

            if (!IPEndPoint.TryParse(listenText, out var endpoint) || !listenText.Contains(':', StringComparison.Ordinal) || (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && !listenText.StartsWith('[')))
            {
                throw new UsageException($"--listen needs HOST:PORT with HOST an IP address ([v6]:PORT for IPv6) and PORT from 0 to 65535, got \"{listenText}\"");
            }

            options.ListenAddress = endpoint.Address;
            options.Port = endpoint.Port;
        }

        options.UseTls = result.GetValue(_tls);
        if (result.GetValue(_serviceCidr) is { } cidr)
        {
            options.ServiceClusterIpRange = cidr;
        }

        var accounts = new List<(string Namespace, string Name)>();
        foreach (var account in result.GetValue(_serviceAccounts) ?? [])
        {
            accounts.Add(account.Split('/') is [{ Length: > 0 } ns, { Length: > 0 } name]
                ? (ns, name)
                : throw new UsageException($"--service-account needs NAMESPACE/NAME, got \"{account}\""));
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
            await error.WriteLineAsync($"barelb apiserver: cannot listen on {new IPEndPoint(options.ListenAddress, options.Port)}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            throw new UsageException($"--service-cidr {options.ServiceClusterIpRange}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
        }

        await using (server.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"barelb apiserver listening on {server.BaseAddress}").ConfigureAwait(false);
            foreach (var (ns, name) in accounts)
            {
                await output.WriteLineAsync($"service account {ns}/{name}: {server.CreateServiceAccountKubeconfig(ns, name)}").ConfigureAwait(false);
            }

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
