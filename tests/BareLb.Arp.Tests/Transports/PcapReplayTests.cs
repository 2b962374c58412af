using System.Buffers.Binary;
using BareLb.Hosts.Tests.Network;
using BareLb.Arp.Tests.Support;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using PacketDotNet;

namespace BareLb.Arp.Tests.Transports;

public sealed class PcapReplayTests
{
    [Fact]
    public void AReplayedCaptureGetsRepliesForAnnouncedAddressesOnly()
    {
        var input = Path.Combine(Path.GetTempPath(), $"blt-replay-{Guid.NewGuid():N}.pcap");
        var output = Path.ChangeExtension(input, ".out.pcap");
        try
        {
            WritePcap(input,
            [
                Frames.ArpRequest("198.18.0.1", "198.18.0.100"),
                Frames.ArpRequest("198.18.0.1", "198.18.0.101"),
                Frames.Solicitation("2001:db8::1", "2001:db8::100"),
                Frames.Solicitation("2001:db8::1", "2001:db8::101"),
                Frames.ArpRequest("0.0.0.0", "198.18.0.100"),
            ]);

            PcapTransport transport;
            try
            {
                transport = PcapTransport.OpenFile(input, "replay0", Frames.Ours, output);
            }
            catch (FrameTransportException e) when (e.InnerException is DllNotFoundException or TypeInitializationException)
            {
                Assert.Skip("libpcap is not installed (Debian: libpcap0.8); CI installs it.");
                return;
            }

            using (var engine = new Layer2Engine(new Layer2Options { AnnouncementCount = 1, RefreshInterval = TimeSpan.Zero, ReceivePollInterval = TimeSpan.FromMilliseconds(10) }))
            {
                engine.AddInterface(transport, [IPAddr.Parse("198.18.0.100"), IPAddr.Parse("2001:db8::100")]);
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (!(transport.IsExhausted && transport.SentCount >= 5) && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(10);
                }
            }

            var sent = Capture.Read(File.ReadAllBytes(output));
            Assert.Equal(5, sent.Count); // two announcements, three replies
            var arpReplies = sent.Select(f => Decoded.Ethernet(f).Extract<ArpPacket>()).Where(a => a?.Operation == ArpOperation.Response).ToList();
            Assert.Equal(2, arpReplies.Count);
            Assert.All(arpReplies, a => Assert.Equal(Frames.Ip("198.18.0.100"), a!.SenderProtocolAddress));
            var advertisements = sent.Where(f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x86DD).Select(f => Decoded.Advertisement(f, out _)).ToList();
            Assert.Equal(2, advertisements.Count);
            Assert.All(advertisements, a => Assert.Equal(Frames.Ip("2001:db8::100"), a.TargetAddress));
            Assert.Single(advertisements, a => a.Solicited);
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    private static void WritePcap(string path, IReadOnlyList<byte[]> frames)
    {
        using var stream = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // LINKTYPE_ETHERNET
        stream.Write(header);
        Span<byte> record = stackalloc byte[16];
        for (var i = 0; i < frames.Count; i++)
        {
            record.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000u + (uint)i);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frames[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frames[i].Length);
            stream.Write(record);
            stream.Write(frames[i]);
        }
    }
}
