using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BareLb.Arp;
using BareLb.Kube.Metrics;
using BareLb.Speaker.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Metrics;

/// <summary>
/// Serves <c>GET /metrics</c> in Prometheus' text format with the ARP/NDP engine's counters,
/// over <see cref="HttpListener"/> (no web server package). Opened before the host starts,
/// so that a taken port is one line on stderr; closed when the host stops.
/// </summary>
internal sealed partial class MetricsServer : IHostedService, IDisposable
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly HttpListener _listener;
    private readonly PrometheusTextExporter _exporter = new(Layer2Engine.MeterName);
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private Task? _serving;

    private MetricsServer(HttpListener listener, Uri url)
    {
        _listener = listener;
        Url = url;
    }

    /// <summary>The <c>/metrics</c> address, with the port actually bound.</summary>
    public Uri Url { get; }

    /// <summary>Starts listening on <paramref name="endpoint"/>, picking a free port for port 0.</summary>
    /// <exception cref="StartupException">The address cannot be listened on; the message says why.</exception>
    public static MetricsServer Open(MetricsEndpoint endpoint)
    {
        // HttpListener takes no port 0: ask the kernel for a free port, then listen there
        // (a few tries, in case another process takes it in between).
        for (var attempt = 0; ; attempt++)
        {
            var port = endpoint.Port != 0 ? endpoint.Port : FreePort(endpoint.BindAddress);
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://{(endpoint.IsWildcard ? "+" : endpoint.Host)}:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
                var host = endpoint.IsWildcard ? "127.0.0.1" : endpoint.Host;
                return new MetricsServer(listener, new Uri($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}/metrics"));
            }
            catch (HttpListenerException) when (endpoint.Port == 0 && attempt < 3)
            {
                listener.Close();
            }
            catch (Exception e) when (e is HttpListenerException or SocketException)
            {
                listener.Close();
                throw new StartupException($"--metrics-listen {endpoint}: {e.Message}", e);
            }
        }
    }

    /// <summary>Where failed scrapes are logged (the host's logging exists only after this opens).</summary>
    public void UseLogger(ILogger logger) => _logger = logger;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _serving = Task.Run(ServeAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Stop();
        if (_serving is not null)
        {
            await _serving.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _exporter.Dispose();
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                Log.ScrapeFailed(_logger, e);
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        var request = context.Request;
        if (request.Url?.AbsolutePath != "/metrics")
        {
            response.StatusCode = 404;
            return;
        }

        if (request.HttpMethod is not ("GET" or "HEAD"))
        {
            response.StatusCode = 405;
            response.AddHeader("Allow", "GET, HEAD");
            return;
        }

        var body = Encoding.UTF8.GetBytes(_exporter.Render());
        response.StatusCode = 200;
        response.ContentType = ContentType;
        response.ContentLength64 = body.Length;
        if (request.HttpMethod == "GET")
        {
            response.OutputStream.Write(body);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "A /metrics request failed")]
        public static partial void ScrapeFailed(ILogger logger, Exception exception);
    }
}
