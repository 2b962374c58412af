using System.Diagnostics.Metrics;
using BareLb.Hosting.Metrics;

namespace BareLb.Hosts.Tests.Metrics;

/// <summary>The Prometheus text exposition: MetalLB's names as they are, sorted labels, and series that go away.</summary>
public sealed class PrometheusTextExporterTests
{
    private static string MeterName() => "BareLb.Hosts.Tests." + Guid.NewGuid().ToString("N");

    [Fact]
    public void Names_AreExactlyTheInstruments_WithHelpTypeAndSortedLabels()
    {
        var name = MeterName();
        using var meter = new Meter(name);
        using var exporter = new PrometheusTextExporter(name);
        var updates = meter.CreateCounter<long>("metallb_k8s_client_updates_total", description: "Number of k8s object updates that have been processed");
        meter.CreateObservableGauge("metallb_k8s_client_config_loaded_bool", () => 1, description: "1 if the MetalLB configuration was successfully loaded at least once");
        meter.CreateObservableCounter(
            "metallb_layer2_responses_sent",
            () => new Measurement<long>(7, new("interface", "vn"), new("protocol", "arp"), new("ip", "198.18.0.100")),
            "{frame}",
            "Number of layer2 responses sent");
        updates.Add(2);
        updates.Add(3);

        var text = exporter.Render();

        Assert.Equal(
            """
            # HELP metallb_k8s_client_config_loaded_bool 1 if the MetalLB configuration was successfully loaded at least once
            # TYPE metallb_k8s_client_config_loaded_bool gauge
            metallb_k8s_client_config_loaded_bool 1
            # HELP metallb_k8s_client_updates_total Number of k8s object updates that have been processed
            # TYPE metallb_k8s_client_updates_total counter
            metallb_k8s_client_updates_total 5
            # HELP metallb_layer2_responses_sent Number of layer2 responses sent
            # TYPE metallb_layer2_responses_sent counter
            metallb_layer2_responses_sent{interface="vn",ip="198.18.0.100",protocol="arp"} 7

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void ASeriesAnObservableInstrumentNoLongerReports_Disappears()
    {
        var name = MeterName();
        using var meter = new Meter(name);
        using var exporter = new PrometheusTextExporter(name);
        var announced = new List<string> { "198.18.0.100", "198.18.0.101" };
        meter.CreateObservableCounter("metallb_layer2_gratuitous_sent", () => announced.Select(ip => new Measurement<long>(3, new KeyValuePair<string, object?>("ip", ip))).ToList());

        Assert.Contains("""metallb_layer2_gratuitous_sent{ip="198.18.0.101"} 3""", exporter.Render(), StringComparison.Ordinal);
        announced.RemoveAt(1);
        var after = exporter.Render();

        Assert.Contains("""metallb_layer2_gratuitous_sent{ip="198.18.0.100"} 3""", after, StringComparison.Ordinal);
        Assert.DoesNotContain("198.18.0.101", after, StringComparison.Ordinal);
        announced.Clear();
        Assert.Equal("", exporter.Render());
    }

    [Fact]
    public void LabelValuesAndHelp_AreEscaped_AndOtherMetersIgnored()
    {
        var name = MeterName();
        using var meter = new Meter(name);
        using var other = new Meter(MeterName());
        using var exporter = new PrometheusTextExporter(name);
        meter.CreateObservableGauge("barelb_configuration_problems", () => new Measurement<int>(1, new KeyValuePair<string, object?>("object", "a\"b\\c\nd")), description: "line one\nline two");
        other.CreateObservableGauge("not_mine", () => 1);

        var text = exporter.Render();

        Assert.Contains("# HELP barelb_configuration_problems line one\\nline two\n", text, StringComparison.Ordinal);
        Assert.Contains("barelb_configuration_problems{object=\"a\\\"b\\\\c\\nd\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not_mine", text, StringComparison.Ordinal);
    }

    [Fact]
    public void UpDownCounters_Add_AndGaugesTakeTheLastValue()
    {
        var name = MeterName();
        using var meter = new Meter(name);
        using var exporter = new PrometheusTextExporter(name);
        var inFlight = meter.CreateUpDownCounter<int>("barelb_in_flight");
        var level = meter.CreateGauge<double>("barelb_level");
        inFlight.Add(3);
        inFlight.Add(-1);
        level.Record(0.5);
        level.Record(0.25);

        var text = exporter.Render();

        Assert.Contains("barelb_in_flight 2\n", text, StringComparison.Ordinal);
        Assert.Contains("barelb_level 0.25\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsOfEveryKind_AndKeysLongerThanTheBuffer_RenderAsTheirText()
    {
        var name = MeterName();
        using var meter = new Meter(name);
        using var exporter = new PrometheusTextExporter(name);
        var longValue = new string('x', 600);
        meter.CreateObservableGauge(
            "barelb_test_labels",
            () => new[]
            {
                // "a1" sorts before "a" as the rendered text a1="..." sorts before a="...".
                new Measurement<long>(1, new("a", 7), new("a1", true), new("b", DayOfWeek.Monday), new("c", 2.5)),
                new Measurement<long>(2, new KeyValuePair<string, object?>("long", longValue), new("none", null)),
            });

        var first = exporter.Render();
        var second = exporter.Render();

        Assert.Contains("barelb_test_labels{a1=\"True\",a=\"7\",b=\"Monday\",c=\"2.5\"} 1\n", first, StringComparison.Ordinal);
        Assert.Contains($"barelb_test_labels{{long=\"{longValue}\",none=\"\"}} 2\n", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
    }
}
