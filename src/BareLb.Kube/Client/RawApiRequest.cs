using System.Net;
using k8s;
using k8s.Autorest;

namespace BareLb.Kube.Client;

/// <summary>
/// A request KubernetesClient.Aot has no call for (a watch stream, a custom resource list read as JSON), sent on the
/// client's own HTTP pipeline: its server, certificates and credentials (refreshed per request), HTTP/2 where the
/// server offers it, as the client's generated calls do. A refusal throws <see cref="HttpOperationException"/> with
/// the response, so callers tell 403, 404 and 410 apart as they do for the generated calls.
/// </summary>
internal static class RawApiRequest
{
    /// <summary>
    /// Opens a watch: sends a GET of <paramref name="pathAndQuery"/> (relative to the server) and returns the response
    /// once its headers are in, its body a stream without time limit (as the client's watch calls have none).
    /// </summary>
    /// <exception cref="HttpOperationException">The server answered with an error status.</exception>
    public static Task<HttpResponseMessage> WatchAsync(IKubernetes client, string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(client, HttpMethod.Get, pathAndQuery, null, null, cancellationToken);

    /// <summary>
    /// Sends a request with an optional JSON body and returns the response body as text, all within the client's
    /// <see cref="AbstractKubernetes.HttpClientTimeout"/> (as its generated calls do).
    /// </summary>
    /// <exception cref="HttpOperationException">The server answered with an error status.</exception>
    /// <exception cref="TaskCanceledException">The request took longer than the client's timeout.</exception>
    public static async Task<string> SendJsonAsync(IKubernetes client, HttpMethod method, string pathAndQuery, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client is AbstractKubernetes { HttpClientTimeout: var limit } ? limit : Timeout.InfiniteTimeSpan);
        using var response = await SendAsync(client, method, pathAndQuery, body, contentType, timeout.Token).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
    }

    private static async Task<HttpResponseMessage> SendAsync(IKubernetes client, HttpMethod method, string pathAndQuery, string? body, string? contentType, CancellationToken cancellationToken)
    {
        var kubernetes = client as Kubernetes
            ?? throw new ArgumentException($"this request needs KubernetesClient's {nameof(Kubernetes)} (its HTTP pipeline), not {client.GetType().Name}", nameof(client));
        var request = new HttpRequestMessage(method, new Uri(kubernetes.BaseUri, pathAndQuery)) { Version = HttpVersion.Version20 };
        try
        {
            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType ?? "application/json") { CharSet = "utf-8" };
            }

            if (kubernetes.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var response = await kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}', response body {content}")
                {
                    Request = new HttpRequestMessageWrapper(request, body ?? ""),
                    Response = new HttpResponseMessageWrapper(response, content),
                };
            }
        }
        finally
        {
            request.Dispose();
        }
    }
}
