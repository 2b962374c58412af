using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace BareLb.Hosts.Tests.Controller;

/// <summary>A running barelb-controller executable (built beside the tests); disposing it kills it if it still runs.</summary>
internal sealed partial class ControllerProcess : IDisposable
{
    private ControllerProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Where it serves /healthz, /readyz and /metrics, once <see cref="StartAsync"/> has read it from its output.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts barelb-controller with <paramref name="args"/> without waiting for anything.</summary>
    public static ControllerProcess Launch(params string[] args) => LaunchIgnoring(null, args);

    /// <summary>
    /// Starts barelb-controller with the signals in <paramref name="ignoring"/> (shell names: "INT QUIT TERM")
    /// ignored, as a non-interactive shell's background job starts it.
    /// </summary>
    public static ControllerProcess LaunchIgnoring(string? ignoring, params string[] args)
    {
        var start = new ProcessStartInfo(ignoring is null ? "dotnet" : "sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (ignoring is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"trap '' {ignoring}; exec dotnet \"$@\"");
            start.ArgumentList.Add("sh");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "barelb-controller.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ControllerProcess(Process.Start(start)!);
    }

    /// <summary>
    /// Starts barelb-controller against a kubeconfig, serving on a free port, and waits until it says where; then
    /// drains its output in the background so that it never blocks on a full pipe.
    /// </summary>
    public static Task<ControllerProcess> StartAsync(string kubeconfig, string identity, params string[] more) => StartIgnoringAsync(null, kubeconfig, identity, more);

    /// <summary>As <see cref="StartAsync"/>, with the signals in <paramref name="ignoring"/> ignored from the start.</summary>
    public static async Task<ControllerProcess> StartIgnoringAsync(string? ignoring, string kubeconfig, string identity, params string[] more)
    {
        var controller = LaunchIgnoring(ignoring, ["--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--identity", identity, .. more]);
        var ct = TestContext.Current.CancellationToken;
        string? line;
        string? url = null;
        while (url is null && (line = await controller.Process.StandardOutput.ReadLineAsync(ct)) is not null)
        {
            url = UrlPattern().Match(line) is { Success: true } match ? match.Value : null;
        }

        if (url is null)
        {
            Assert.Fail($"barelb-controller {identity} exited before serving: {await controller.Process.StandardError.ReadToEndAsync(ct)}");
        }

        controller.Http = new HttpClient { BaseAddress = new Uri(url) };
        _ = controller.Process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = controller.Process.StandardError.ReadToEndAsync(CancellationToken.None);
        return controller;
    }

    /// <summary>Polls /readyz until it answers 200 saying exactly <paramref name="saying"/> (within a generous time) and returns the text.</summary>
    public async Task<string> ReadyAsync(string saying = "ok")
    {
        var ct = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await Http.GetAsync("/readyz", ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.OK && text.Trim() == saying)
            {
                return text;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/readyz still answers {(int)response.StatusCode}: {text}, not 200: {saying}...");
            await Task.Delay(50, ct);
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Http?.Dispose();
        Process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    public static partial Regex UrlPattern();
}
