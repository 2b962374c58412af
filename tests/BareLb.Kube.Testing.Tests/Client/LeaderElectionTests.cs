using BareLb.Kube.Testing.Tests.Support;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class LeaderElectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LeaderElector Elector(ApiServerScope scope, string identity) =>
        new(new LeaderElectionConfig(new LeaseLock(scope.Client, "kube-system", "barelb-controller", identity))
        {
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        });

    [Fact]
    public async Task LeaderElector_AcquiresTheLease_AndASecondCandidateTakesOverWhenTheFirstStops()
    {
        await using var scope = await ApiServerScope.StartAsync();
        using var first = Elector(scope, "controller-a");
        using var second = Elector(scope, "controller-b");
        var firstLeads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondLeads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.OnStartedLeading += () => firstLeads.TrySetResult();
        second.OnStartedLeading += () => secondLeads.TrySetResult();
        using var stopFirst = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var stopSecond = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var runFirst = first.RunUntilLeadershipLostAsync(stopFirst.Token);
        await firstLeads.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var runSecond = second.RunUntilLeadershipLostAsync(stopSecond.Token);

        var lease = scope.Server.Get("coordination.k8s.io/v1", "Lease", "kube-system", "barelb-controller");
        Assert.Equal("controller-a", lease?["spec"]?["holderIdentity"]?.GetValue<string>());
        Assert.False(secondLeads.Task.IsCompleted);

        await stopFirst.CancelAsync();
        await Task.WhenAny(runFirst, Task.Delay(TimeSpan.FromSeconds(5), Ct));
        await secondLeads.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        lease = scope.Server.Get("coordination.k8s.io/v1", "Lease", "kube-system", "barelb-controller");
        Assert.Equal("controller-b", lease?["spec"]?["holderIdentity"]?.GetValue<string>());
        await stopSecond.CancelAsync();
        await Task.WhenAny(runSecond, Task.Delay(TimeSpan.FromSeconds(5), Ct));
    }
}
