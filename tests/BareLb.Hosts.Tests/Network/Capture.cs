using System.Buffers.Binary;
using System.Diagnostics;

namespace BareLb.Hosts.Tests.Network;

/// <summary>tcpdump writing a pcap file in a namespace, and a reader for the file's frames.</summary>
internal sealed class Capture : IDisposable
{
    private readonly Process _process;
    private readonly string _path;

    public Capture(string ns, string device, string filter)
    {
        _path = Path.Combine(Path.GetTempPath(), $"blt-{Environment.ProcessId}-{Guid.NewGuid():N}.pcap");
        _process = Shell.Start("ip", "netns", "exec", ns, "tcpdump", "-i", device, "-U", "-n", "-w", _path, filter);
        var ready = new ManualResetEventSlim();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
            {
                ready.Set();
            }
        };
        _process.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("tcpdump did not start");
        }
    }

    /// <summary>Stops tcpdump and returns the frames it captured.</summary>
    public IReadOnlyList<byte[]> Stop()
    {
        Shell.Signal(_process.Id, 2);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        return Read(File.ReadAllBytes(_path));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        File.Delete(_path);
    }

    /// <summary>Frames of a classic pcap file (microsecond or nanosecond, either byte order).</summary>
    public static IReadOnlyList<byte[]> Read(byte[] file)
    {
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        var little = magic is 0xA1B2C3D4 or 0xA1B23C4D;
        uint U32(int offset) => little ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset)) : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset));
        var frames = new List<byte[]>();
        var position = 24;
        while (position + 16 <= file.Length)
        {
            var captured = (int)U32(position + 8);
            position += 16;
            if (position + captured > file.Length)
            {
                break;
            }

            frames.Add(file.AsSpan(position, captured).ToArray());
            position += captured;
        }

        return frames;
    }
}
