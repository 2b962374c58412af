using BareLb.Kube.Controller;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>A controller running on a <see cref="ScenarioCluster"/>, with its writes counted.</summary>
internal sealed class RunningController : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task _run;
    private bool _stopped;

    public RunningController(ServiceControllerHost host, CountingWriter writer)
    {
        Host = host;
        Writer = writer;
        _run = Task.Run(() => host.Controller.RunAsync(_stop.Token), TestContext.Current.CancellationToken);
    }

    public ServiceControllerHost Host { get; }

    public CountingWriter Writer { get; }

    /// <summary>Stops the controller and its informers, as the end of a leadership term does.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stop.CancelAsync();
        await _run;
        await Host.DisposeAsync();
        _stop.Dispose();
    }
}
