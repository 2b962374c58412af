using BareLb.Kube.Memberlist;
using Microsoft.Extensions.Hosting;

namespace BareLb.Controller;

/// <summary>Runs <see cref="MemberlistSecret"/> for the host's lifetime: it retries until the Secret exists, then ends.</summary>
internal sealed class MemberlistSecretService(MemberlistSecret secret) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await secret.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the Secret could be made.
        }
    }
}
