using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using BareLb.Kube.Client;

namespace BareLb.Kube.Memberlist;

/// <summary>
/// Makes sure the speakers' memberlist Secret exists, as MetalLB's controller does at start: when no Secret of that
/// name is listed, it creates one holding a fresh 128-bit key under <c>secretkey</c> (base64 without padding, the text
/// the speakers read from <c>/etc/ml_secret_key/secretkey</c>), owned by the controller's Deployment. An existing
/// Secret is never touched, so a key that users or another installation chose stays. It uses only what MetalLB's
/// controller Role grants: <c>list</c> and <c>create</c> on secrets, <c>get</c> on the controller Deployment.
/// </summary>
public sealed partial class MemberlistSecret
{
    private const int KeyBytes = 16;

    private readonly ApiConnection _client;
    private readonly MemberlistSecretOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the component.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public MemberlistSecret(ApiConnection client, MemberlistSecretOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _client = client;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>A new memberlist key: 16 random bytes in base64 without padding (22 characters), as MetalLB makes it.</summary>
    public static string NewKey()
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        RandomNumberGenerator.Fill(key);
        return Convert.ToBase64String(key).TrimEnd('=');
    }

    /// <summary>One attempt: true when this call created the Secret, false when it existed already (or another replica created it meanwhile).</summary>
    /// <exception cref="HttpOperationException">The API refused a request (e.g. 403 without the permission).</exception>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken = default)
    {
        var existing = await KubeApi.GetAsync<V1SecretList>(
            _client, ApiPath.Core("secrets", _options.Namespace) + ApiPath.Query(("fieldSelector", $"metadata.name={_options.SecretName}")), cancellationToken).ConfigureAwait(false);
        if (existing.Items.Count > 0)
        {
            LogExists(_logger, _options.Namespace, _options.SecretName);
            return false;
        }

        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = _options.SecretName,
                NamespaceProperty = _options.Namespace,
                OwnerReferences = await OwnerAsync(cancellationToken).ConfigureAwait(false),
            },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { [MemberlistSecretOptions.KeyName] = Encoding.ASCII.GetBytes(NewKey()) },
        };
        try
        {
            await KubeApi.CreateAsync(_client, ApiPath.Core("secrets", _options.Namespace), secret, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            LogExists(_logger, _options.Namespace, _options.SecretName);
            return false;
        }

        LogCreated(_logger, _options.Namespace, _options.SecretName, secret.Metadata.OwnerReferences is null ? "none" : $"Deployment {_options.DeploymentName}");
        return true;
    }

    /// <summary>Attempts until the Secret exists, waiting longer after each failure (logged), or until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        while (true)
        {
            try
            {
                await EnsureAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e)
            {
                LogFailed(_logger, _options.Namespace, _options.SecretName, (int)e.Response.StatusCode, e.Response.Content, delay);
            }
            catch (HttpRequestException e)
            {
                LogUnreachable(_logger, _options.Namespace, _options.SecretName, e.Message, delay);
            }

            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }
    }

    private async Task<List<V1OwnerReference>?> OwnerAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.DeploymentName))
        {
            return null;
        }

        try
        {
            var deployment = await KubeApi.GetAsync<V1Deployment>(_client, ApiPath.Group("apps/v1", "deployments", _options.Namespace, _options.DeploymentName), cancellationToken).ConfigureAwait(false);
            return [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = deployment.Metadata.Name, Uid = deployment.Metadata.Uid }];
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Not run from the Deployment (a test, a lab, a host process): the Secret simply has no owner.
            LogNoOwner(_logger, _options.Namespace, _options.DeploymentName);
            return null;
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "memberlist Secret {Namespace}/{Name} created (owner: {Owner})")]
    private static partial void LogCreated(ILogger logger, string @namespace, string name, string owner);

    [LoggerMessage(EventId = 701, Level = LogLevel.Debug, Message = "memberlist Secret {Namespace}/{Name} exists; left as it is")]
    private static partial void LogExists(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Deployment {Namespace}/{Deployment} not found: the memberlist Secret is created without an owner")]
    private static partial void LogNoOwner(ILogger logger, string @namespace, string deployment);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "memberlist Secret {Namespace}/{Name}: the API answered {Status} ({Body}); retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, string @namespace, string name, int status, string body, TimeSpan delay);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "memberlist Secret {Namespace}/{Name}: API unreachable ({Reason}); retrying in {Delay}")]
    private static partial void LogUnreachable(ILogger logger, string @namespace, string name, string reason, TimeSpan delay);
}
