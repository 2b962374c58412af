using System.Text;
using System.Text.Json;

namespace BareLb.Kube.Testing.Tests.Deploy;

/// <summary>deploy/monitoring checked by promtool (Debian package prometheus): the rules, their unit tests, and the dashboard's queries.</summary>
public sealed class PrometheusRulesTests
{
    private static string Monitoring => Path.Combine(DeployFiles.Deploy, "monitoring");

    [Fact]
    public async Task PromtoolCheckRules_AcceptsTheAlerts()
    {
        Assert.SkipUnless(File.Exists(DeployFiles.PromtoolPath), "promtool is not installed (apt-get install prometheus)");

        var (code, output) = await DeployFiles.RunAsync(DeployFiles.PromtoolPath, Monitoring, "check", "rules", "barelb-alerts.yaml");

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 10 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromtoolTestRules_EveryAlertFiresAndClearsAsExpected()
    {
        Assert.SkipUnless(File.Exists(DeployFiles.PromtoolPath), "promtool is not installed (apt-get install prometheus)");

        var (code, output) = await DeployFiles.RunAsync(DeployFiles.PromtoolPath, Monitoring, "test", "rules", "barelb-alerts_test.yaml");

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_EveryQueryIsValidPromQl()
    {
        Assert.SkipUnless(File.Exists(DeployFiles.PromtoolPath), "promtool is not installed (apt-get install prometheus)");
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Monitoring, "barelb-dashboard.json"), TestContext.Current.CancellationToken));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();

        // promtool has no query checker, so each query becomes a recording rule that `check rules` parses.
        var rules = new StringBuilder("groups:\n- name: dashboard\n  rules:\n");
        for (var i = 0; i < queries.Count; i++)
        {
            rules.Append($"  - record: dashboard:query{i}\n    expr: {JsonSerializer.Serialize(queries[i])}\n");
        }

        var file = Path.Combine(Path.GetTempPath(), $"barelb-dashboard-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, rules.ToString(), TestContext.Current.CancellationToken);
        try
        {
            var (code, output) = await DeployFiles.RunAsync(DeployFiles.PromtoolPath, Monitoring, "check", "rules", file);
            Assert.True(code == 0, output);
            Assert.True(queries.Count >= 15, $"{queries.Count} queries");
            foreach (var name in (string[])["metallb_allocator_addresses_in_use_total", "metallb_speaker_announced", "metallb_layer2_responses_sent", "metallb_k8s_client_config_stale_bool", "barelb_configuration_problems", "barelb_layer2_frames_dropped_total", "barelb_memberlist_members", "barelb_memberlist_probe_failures_total"])
            {
                Assert.Contains(queries, q => q.Contains(name, StringComparison.Ordinal));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
