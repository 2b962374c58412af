// barelb-controller: wiring only. The controller, leader election and metrics live in BareLb.Kube.
using BareLb.Controller;
using BareLb.Kube.Controller;
using BareLb.Kube.Leadership;
using BareLb.Kube.Memberlist;
using BareLb.Kube.Metrics;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (!ControllerArguments.TryParse(args, out var options, out var error))
{
    var help = error is "";
    (help ? Console.Out : Console.Error).WriteLine(help ? ControllerArguments.Usage : $"barelb-controller: {error}\n{ControllerArguments.Usage}");
    return help ? 0 : 2;
}

KubernetesClientConfiguration clientConfiguration;
try
{
    clientConfiguration = options.Kubeconfig is { } path ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildDefaultConfig();
}
catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FileNotFoundException or IOException)
{
    Console.Error.WriteLine($"barelb-controller: no usable Kubernetes configuration: {e.Message}");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://{options.Listen}");
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddMetrics();
var app = builder.Build();

using var client = new Kubernetes(clientConfiguration);
using var metrics = new ControllerMetrics(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
using var exporter = new PrometheusTextExporter(ControllerMetrics.MeterName);
var loggers = app.Services.GetRequiredService<ILoggerFactory>();
var leadership = new LeaderElectedRunner(client, new LeaderElectionOptions { Identity = options.Identity, Namespace = options.Namespace, LeaseDuration = options.LeaseDuration, RenewDeadline = options.LeaseDuration * 2 / 3, RetryPeriod = options.LeaseDuration * 2 / 15 }, loggers.CreateLogger<LeaderElectedRunner>());
ServiceController? current = null;

app.MapGet("/healthz", () => "ok");
// The leader is ready once its caches have synced and a valid configuration is loaded; a follower once it has seen another replica lead.
app.MapGet("/readyz", () =>
    leadership.IsLeader ? (current?.IsReady == true ? Results.Text("ok") : Results.Text("not ready: caches syncing or no valid configuration", statusCode: 503))
    : leadership.ObservedLeader is { } leader && leader != options.Identity ? Results.Text($"ok (follower; {leader} leads)")
    : Results.Text("not ready: no leader observed yet", statusCode: 503));
app.MapGet("/metrics", () => Results.Text(exporter.Render(), "text/plain; version=0.0.4"));

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"barelb-controller {options.Identity}: serving /healthz, /readyz and /metrics on {address}; namespace {options.Namespace}");

using var stop = new CancellationTokenSource();
app.Lifetime.ApplicationStopping.Register(stop.Cancel);

// As MetalLB's controller: make sure the speakers' memberlist Secret exists (every replica tries; an existing one is kept).
// Its name comes from METALLB_ML_SECRET_NAME (default memberlist), its owner from METALLB_DEPLOYMENT (default controller).
var memberlistSecret = new MemberlistSecret(client, new MemberlistSecretOptions
{
    Namespace = options.Namespace,
    SecretName = Environment.GetEnvironmentVariable("METALLB_ML_SECRET_NAME") is { Length: > 0 } secretName ? secretName : "memberlist",
    DeploymentName = Environment.GetEnvironmentVariable("METALLB_DEPLOYMENT") is { Length: > 0 } deployment ? deployment : "controller",
}, logger: loggers.CreateLogger<MemberlistSecret>());
var ensuringSecret = Task.Run(() => memberlistSecret.RunAsync(stop.Token));
await leadership.RunAsync(
    async term =>
    {
        await using var host = ServiceControllerHost.Create(
            client,
            new ServiceControllerOptions { Namespace = options.Namespace },
            loadBalancerClass: options.LoadBalancerClass,
            metrics: metrics,
            loggerFactory: loggers);
        current = host.Controller;
        try
        {
            await host.Controller.RunAsync(term);
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
            // The term ended.
        }
        finally
        {
            current = null;
        }
    },
    stop.Token);

try
{
    await ensuringSecret;
}
catch (OperationCanceledException)
{
    // Stopped before the Secret could be made.
}

await app.StopAsync();
return 0;
