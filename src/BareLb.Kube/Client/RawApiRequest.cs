using System.Net;
using k8s;
using k8s.Autorest;

namespace BareLb.Kube.Client;

/// <summary>
/// A request to the API server on an <see cref="ApiConnection"/>: its server, certificates and credentials (refreshed
/// per request), HTTP/2 where the server offers it, as KubernetesClient's generated calls send theirs. A refusal throws <see cref="HttpOperationException"/> with
/// the response, so callers tell 403, 404 and 410 apart as they do for the generated calls.
/// </summary>
internal static class RawApiRequest
{
    /// <summary>
    /// Opens a watch: sends a GET of <paramref name="pathAndQuery"/> (relative to the server) and returns the response
    /// once its headers are in, its body a stream without time limit (as the client's watch calls have none).
    /// </summary>
    /// <exception cref="HttpOperationException">The server answered with an error status.</exception>
    public static Task<HttpResponseMessage> WatchAsync(ApiConnection client, string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(client, HttpMethod.Get, pathAndQuery, null, null, cancellationToken);

    /// <summary>
    /// Sends a request with an optional JSON body and returns the response body as text, all within the client's
    /// <see cref="ApiConnection.Timeout"/> (as KubernetesClient's generated calls do).
    /// </summary>
    /// <exception cref="HttpOperationException">The server answered with an error status.</exception>
    /// <exception cref="TaskCanceledException">The request took longer than the client's timeout.</exception>
    public static async Task<string> SendJsonAsync(ApiConnection client, HttpMethod method, string pathAndQuery, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.Timeout);
        using var response = await SendAsync(client, method, pathAndQuery, body, contentType, timeout.Token).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
    }

    private static async Task<HttpResponseMessage> SendAsync(ApiConnection client, HttpMethod method, string pathAndQuery, string? body, string? contentType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(client.BaseUri, pathAndQuery)) { Version = client.RequestVersion };
        try
        {
            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType ?? "application/json") { CharSet = "utf-8" };
            }

            if (client.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (client.TlsServerName is { } serverName)
            {
                request.Headers.Host = serverName;
            }

            var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
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
