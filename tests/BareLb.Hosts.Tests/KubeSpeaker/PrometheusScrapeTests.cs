using System.Text.Json;
using BareLb.Lab.Kube;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Hosts.Tests.KubeSpeaker;

/// <summary>
/// Debian's Prometheus, as a cluster operator runs it: it scrapes a running <c>barelb-controller</c> and the three
/// <c>barelb-speaker</c> processes of a namespace lab, with the project's alert rules loaded, and everything is read
/// back through Prometheus's own HTTP API (curl from the API namespace). Needs root and the <c>prometheus</c> package.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private const string PrometheusPath = "/usr/bin/prometheus";
    private const int ControllerPort = 7473;
    private const int PrometheusPort = 9090;

    [Fact]
    public async Task ARealPrometheus_ScrapesTheControllerAndEverySpeaker_AndLoadsTheAlertRulesHealthy()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root (CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_NET_RAW); CI runs them as root.");
        Assert.SkipUnless(File.Exists(PrometheusPath), $"{PrometheusPath} is missing: apt-get install prometheus (CI installs it).");
        var ct = TestContext.Current.CancellationToken;
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var api = cluster.Lab.Api!;
        cluster.AddService("web", KubeSpeakerLab.V4);
        using var controller = api.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "barelb-controller.dll"), "--kubeconfig", cluster.Kubeconfig, "--listen", $"127.0.0.1:{ControllerPort}", "--identity", "controller-0"], null);
        using var prometheus = StartPrometheus(cluster);

        // Every target up: the controller and the three speakers answer Prometheus's scrapes.
        var targets = await EventuallyAsync(api, "/api/v1/targets", static d => d.GetProperty("activeTargets").EnumerateArray().Count(t => t.GetProperty("health").GetString() == "up") == 4, cluster, prometheus, controller);
        Assert.Equal(4, targets.GetProperty("activeTargets").GetArrayLength());

        // MetalLB's series arrive under MetalLB's names, from the jobs the alert rules recognise.
        await EventuallyAsync(api, "/api/v1/query?query=count%20by%20(job)%20(metallb_k8s_client_config_loaded_bool%20%3D%3D%201)", static d => d.GetProperty("result").GetArrayLength() == 2, cluster, prometheus, controller);
        await EventuallyAsync(api, "/api/v1/query?query=sum(metallb_speaker_announced%20%3D%3D%201)", static d => d.GetProperty("result") is { } r && r.GetArrayLength() == 1 && r[0].GetProperty("value")[1].GetString() == "1", cluster, prometheus, controller);
        await EventuallyAsync(api, "/api/v1/query?query=metallb_allocator_addresses_in_use_total", static d => d.GetProperty("result").GetArrayLength() >= 1, cluster, prometheus, controller);

        // The alert rules load and evaluate without error against live series.
        var rules = await EventuallyAsync(api, "/api/v1/rules", static d => AllRules(d).Any() && AllRules(d).All(r => r.TryGetProperty("lastEvaluation", out var e) && !e.GetString()!.StartsWith("0001", StringComparison.Ordinal)), cluster, prometheus, controller);
        Assert.All(AllRules(rules), r => Assert.Equal("ok", r.GetProperty("health").GetString()));
    }

    private static IEnumerable<JsonElement> AllRules(JsonElement data) =>
        data.GetProperty("groups").EnumerateArray().SelectMany(static g => g.GetProperty("rules").EnumerateArray());

    private static LabProcess StartPrometheus(KubeSpeakerCluster cluster)
    {
        var directory = Path.Combine(cluster.Lab.Directory, "prometheus");
        Directory.CreateDirectory(directory);
        var rules = Path.Combine(Repository.Root, "deploy", "monitoring", "barelb-alerts.yaml");
        var speakers = string.Join(", ", cluster.Lab.Nodes.Select(static n => $"'{n.Ipv4}:7472'"));
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ['{rules}']
            scrape_configs:
            - job_name: metallb-system/barelb-controller
              static_configs: [{"{"} targets: ['127.0.0.1:{ControllerPort}'] {"}"}]
            - job_name: metallb-system/barelb-speaker
              static_configs: [{"{"} targets: [{speakers}] {"}"}]
            """);
        return cluster.Lab.Api!.Start(PrometheusPath, [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{PrometheusPort}"], null);
    }

    // Reads Prometheus's API with curl inside the API namespace until the answer's "data" satisfies the condition.
    private static async Task<JsonElement> EventuallyAsync(LabHost api, string path, Func<JsonElement, bool> condition, KubeSpeakerCluster cluster, LabProcess prometheus, LabProcess controller)
    {
        var last = "";
        var deadline = DateTimeOffset.UtcNow + Eventually.Scaled(TimeSpan.FromSeconds(45));
        while (DateTimeOffset.UtcNow < deadline)
        {
            var run = api.TryExec("curl", "-sS", "--max-time", "5", $"http://127.0.0.1:{PrometheusPort}{path}");
            last = run.Output;
            if (run.ExitCode == 0 && TryData(last, out var data) && condition(data))
            {
                return data;
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{path} never satisfied the condition; last answer: {last}\n--- prometheus\n{prometheus.Tail()}\n--- controller\n{controller.Tail()}\n{cluster.Logs()}");
        return default;
    }

    private static bool TryData(string json, out JsonElement data)
    {
        data = default;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("data", out var found))
            {
                data = found.Clone();
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}
