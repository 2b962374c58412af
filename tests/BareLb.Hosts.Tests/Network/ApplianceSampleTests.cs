using System.Collections.Concurrent;
using System.Diagnostics;
using BareLb.Core.Addresses;
using BareLb.Core.Election;
using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary>
/// samples/BareLb.Samples.Appliance, two boxes on a bridge with a client: the address answers from the box the
/// election picks among the live members, and from the other one once that box is killed.
/// </summary>
[Collection("network")]
public sealed class ApplianceSampleTests
{
    private const string Vip = "198.18.0.100";
    private static readonly string[] Names = ["box-1", "box-2"];

    [Fact]
    public void TheAddressAnswersFromTheElectedBoxAndMovesWhenItIsKilled()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 2);
        using var first = Box.Start(topology, 0);
        using var second = Box.Start(topology, 1);
        var owner = Array.IndexOf(Names, Layer2Election.Elect(IPAddr.Parse(Vip), [.. Names.Select(n => new NodeCandidate(n))])!.Name);
        var boxes = new[] { first, second };
        WaitUntil(() => Arping(topology, Vip, 1) is [var mac] && mac == topology.NodeMac(owner), $"{Names[owner]} answers for {Vip}", boxes);

        boxes[owner].Kill();
        var survivor = 1 - owner;
        WaitUntil(() => Arping(topology, Vip, 1) is [var mac] && mac == topology.NodeMac(survivor), $"{Names[survivor]} takes {Vip} over", boxes);
        Assert.Contains($"{Names[survivor]} announces {Vip}", boxes[survivor].Log, StringComparison.Ordinal);
    }

    private static void WaitUntil(Func<bool> condition, string what, Box[] boxes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.\n{string.Join('\n', boxes.Select(b => b.Log))}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The sample run in a node's namespace, joining the other box.</summary>
    private sealed class Box : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private Box(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Collect(e.Data);
            _process.ErrorDataReceived += (_, e) => Collect(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Log => string.Join('\n', _lines);

        public static Box Start(Topology topology, int index) => new(Shell.Start(
            "ip", "netns", "exec", topology.Nodes[index], Executable(),
            "--name", Names[index], "--bind", $"198.18.0.{2 + index}", "--join", $"198.18.0.{3 - index}",
            "--interface", "vn", "--address", Vip));

        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }

        private void Collect(string? line)
        {
            if (line is not null)
            {
                _lines.Enqueue(line);
            }
        }

        private static string Executable()
        {
            // tests/BareLb.Arp.Tests/bin/<Configuration>/net10.0/ -> samples/BareLb.Samples.Appliance/bin/<Configuration>/net10.0/
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(root, "samples", "BareLb.Samples.Appliance", "bin", here.Parent!.Name, here.Name, "barelb-appliance-sample");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build samples/BareLb.Samples.Appliance first.", path);
        }
    }
}
