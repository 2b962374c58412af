using System.Diagnostics;

namespace BareLb.Samples.Tutorial;

/// <summary>Runs the real kubectl when it is installed and shows its output as the guide does; otherwise does the same through the API.</summary>
internal sealed class KubectlRunner(string kubeconfig)
{
    public bool Available { get; } = File.Exists("/usr/bin/kubectl") || File.Exists("/usr/local/bin/kubectl");

    public async Task ShowAsync(string[] args, string shown, Func<Task<string>> fallbackOutput, Func<Task>? fallbackAction = null)
    {
        Console.WriteLine();
        Console.WriteLine($"$ {shown}");
        if (!Available)
        {
            if (fallbackAction is not null)
            {
                await fallbackAction();
            }

            Console.WriteLine(await fallbackOutput());
            return;
        }

        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Console.Write(output);
        Console.Error.Write(error);
    }
}
