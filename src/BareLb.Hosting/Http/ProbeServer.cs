using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BareLb.Hosting.Health;
using BareLb.Hosting.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Hosting.Http;

/// <summary>
/// Serves <c>/metrics</c> (Prometheus text), <c>/healthz</c> (the checks tagged
/// <see cref="HealthTags.Live"/>) and <c>/readyz</c> (tagged <see cref="HealthTags.Ready"/>) on
/// Kestrel, at every <see cref="ProbeServerOptions.Listen"/> address: 200 when healthy, 503 with
/// the failing checks' descriptions otherwise; anything else is 404. It runs as a hosted service
/// of the host's container, and its own small web application shares the host's logging.
/// </summary>
public sealed partial class ProbeServer : IHostedService, IAsyncDisposable
{
    private readonly ProbeServerOptions _options;
    private readonly PrometheusTextExporter _exporter;
    private readonly HealthCheckService? _health;
    private readonly ILoggerFactory _loggerFactory;
    private WebApplication? _app;

    /// <summary>Creates the server; it listens from <see cref="StartAsync"/> on.</summary>
    public ProbeServer(IOptions<ProbeServerOptions> options, PrometheusTextExporter exporter, ILoggerFactory loggerFactory, HealthCheckService? health = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _exporter = exporter;
        _health = health;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The addresses actually bound (with the ports the kernel picked for port 0), as <c>http://HOST:PORT</c>; empty before start.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <inheritdoc/>
    /// <exception cref="ListenException">An address cannot be listened on; the message names it and says why.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Listen.Count == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "BareLb.Hosting", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in _options.Listen)
            {
                if (address.IsWildcard && address.Host is not ("0.0.0.0" or "[::]"))
                {
                    kestrel.ListenAnyIP(address.Port);
                }
                else
                {
                    kestrel.Listen(address.BindAddress, address.Port);
                }
            }
        });
        var app = builder.Build();
        app.MapMethods("/metrics", ["GET", "HEAD"], ServeMetrics);
        if (_options.ServeHealth)
        {
            app.MapMethods("/healthz", ["GET", "HEAD"], context => ServeHealthAsync(context, HealthTags.Live, "not healthy"));
            app.MapMethods("/readyz", ["GET", "HEAD"], context => ServeHealthAsync(context, HealthTags.Ready, "not ready"));
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new ListenException($"cannot listen on {string.Join(", ", _options.Listen)}: {e.InnerException?.Message ?? e.Message}", e);
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Addresses = [.. bound.Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute))];
        var logger = _loggerFactory.CreateLogger<ProbeServer>();
        Log.Serving(logger, bound);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    // The text goes into the response's own buffers as UTF-8: a scrape of thousands of series builds no string.
    private async Task ServeMetrics(HttpContext context)
    {
        context.Response.ContentType = PrometheusTextExporter.ContentType;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        _exporter.Render(context.Response.BodyWriter);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ServeHealthAsync(HttpContext context, string tag, string notPrefix)
    {
        var report = _health is null
            ? new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero)
            : await _health.CheckHealthAsync(r => r.Tags.Contains(tag), context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.WriteAsync(HealthText.Describe(report, notPrefix), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Serving /metrics, /healthz and /readyz on {Addresses}")]
        public static partial void Serving(ILogger logger, ICollection<string> addresses);
    }
}

/// <summary>An HTTP address could not be listened on (taken, not local, no permission); the message names it.</summary>
public sealed class ListenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ListenException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ListenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ListenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
