using BareLb.Kube.Controller;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>What <c>kubectl describe svc</c> shows: one event per thing that happened.</summary>
public sealed class EventTests
{
    [Fact]
    public async Task EachAssignment_IsReportedByExactlyOneIPAllocatedEvent()
    {
        await using var cluster = await ScenarioCluster.StartAsync(ScenarioCluster.GuidePools);
        var controller = await cluster.StartControllerAsync();

        for (var i = 0; i < 3; i++)
        {
            await cluster.CreateAsync($"svc-{i}");
        }

        for (var i = 0; i < 3; i++)
        {
            await cluster.IngressAsync($"svc-{i}");
        }

        await cluster.SettledAsync();
        for (var i = 0; i < 3; i++)
        {
            var events = await cluster.EventsAsync($"svc-{i}");
            var allocated = events.Where(e => e.Reason == ServiceEventReasons.IPAllocated).ToList();
            Assert.True(allocated.Count == 1, $"svc-{i}: {string.Join(" | ", allocated.Select(e => $"{e.Metadata.Name} {e.Message} (involved resourceVersion {e.InvolvedObject.ResourceVersion})"))}; the controller recorded {controller.Writer.EventCount} events, wrote {controller.Writer.StatusWrites} statuses and {controller.Writer.AnnotationWrites} annotations");
        }
    }
}
