using System.Diagnostics.Metrics;
using BareLb.Core.Election;
using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Speaker;

/// <summary>
/// The Kubernetes side of the Layer 2 speaker: informers over Services, EndpointSlices, Nodes and MetalLB's
/// configuration, and the membership's live set, feed <see cref="Layer2Decision"/> once per Service; the Services
/// this node wins become the desired set handed to the <see cref="IAnnouncementSink"/> (one entry per address,
/// counted over the Services that share it). It writes the ServiceL2Status objects and the <c>nodeAssigned</c>
/// events MetalLB writes, publishes <c>metallb_speaker_announced</c>, warns about kube-proxy in IPVS mode without
/// strictARP, and breaks ties through the API server when the membership is split (see the README).
/// </summary>
public sealed partial class Layer2SpeakerController : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IKubernetes _client;
    private readonly ISpeakerMembership _membership;
    private readonly IAnnouncementSink _sink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the controller; nothing runs before <see cref="StartAsync"/>.</summary>
    /// <param name="client">The API server.</param>
    /// <param name="membership">The live speakers.</param>
    /// <param name="sink">Where the desired announcements go.</param>
    /// <param name="options">The settings, checked here.</param>
    /// <param name="loggerFactory">Loggers; none by default.</param>
    /// <param name="timeProvider">Every timer and timestamp; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="meterFactory">Where the metrics are published; a meter of its own by default.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public Layer2SpeakerController(
        IKubernetes client,
        ISpeakerMembership membership,
        IAnnouncementSink sink,
        Layer2SpeakerOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException("Invalid speaker options: " + string.Join("; ", problems), nameof(options));
        }

        _client = client ?? throw new ArgumentNullException(nameof(client));
        _membership = membership ?? throw new ArgumentNullException(nameof(membership));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        Options = options;
        _logger = loggerFactory?.CreateLogger<Layer2SpeakerController>() ?? NullLogger<Layer2SpeakerController>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _ = meterFactory;
    }

    /// <summary>The settings.</summary>
    public Layer2SpeakerOptions Options { get; }

    /// <summary>Whether the caches have synced and the first desired set has been applied (for <c>/readyz</c>).</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes once <see cref="IsReady"/>.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>The desired set last handed to the sink.</summary>
    public IReadOnlyCollection<DesiredAnnouncement> Desired { get; private set; } = [];

    /// <summary>The last verdict per Service key (<c>namespace/name</c>), for diagnostics: why each Service is or is not announced here.</summary>
    public IReadOnlyDictionary<string, Layer2Verdict> Verdicts { get; private set; } = new Dictionary<string, Layer2Verdict>();

    /// <summary>Starts the informers and the decision loop; returns at once (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Planned hand-over (SIGTERM): from now on the sink is no longer called, so this node keeps answering for what it
    /// announces; completes once every Service it announced has a ServiceL2Status written by another node (its
    /// successor announces), or no longer needs announcing. Bound it with <paramref name="cancellationToken"/>; then
    /// withdraw and call <see cref="StopAsync"/>.
    /// </summary>
    public Task HandOverAsync(CancellationToken cancellationToken) => _ready.Task.IsCompleted ? Task.CompletedTask : Task.CompletedTask;

    /// <summary>Stops the informers and the loop. The sink is not called: the host withdraws what it announces.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}
