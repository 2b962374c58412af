using System.Net;

namespace BareLb.Membership.Protocol;

/// <summary>The state machine's record of one member (memberlist's <c>nodeState</c>).</summary>
internal sealed class Member
{
    private MemberInfo? _info;

    public Member(string name, byte[] addr, ushort port, byte[] meta, byte[] vsn, bool isLocal)
    {
        Name = name;
        IsLocal = isLocal;
        Meta = meta;
        Vsn = vsn;
        SetAddress(addr, port);
    }

    public string Name { get; }

    public bool IsLocal { get; }

    public byte[] Addr { get; private set; } = [];

    public ushort Port { get; private set; }

    /// <summary>The address as an end point (IPv4-mapped IPv6 addresses as IPv4).</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.None, 0);

    public byte[] Meta { get; set; }

    /// <summary>memberlist's version vector: protocol min, max, current; delegate min, max, current. Empty when unknown.</summary>
    public byte[] Vsn { get; set; }

    public uint Incarnation { get; set; }

    public MemberStatus Status { get; set; } = MemberStatus.Dead;

    public DateTimeOffset StateChange { get; set; }

    /// <summary>The running suspicion while <see cref="Status"/> is suspect.</summary>
    public Suspicion? Suspicion { get; set; }

    /// <summary>The highest protocol version the member understands (0 when unknown).</summary>
    public byte ProtocolMax => Vsn.Length > 1 ? Vsn[1] : (byte)0;

    public bool DeadOrLeft => Status is MemberStatus.Dead or MemberStatus.Left;

    public bool SameAddress(byte[] addr, ushort port) => port == Port && ToEndPointAddress(addr).Equals(EndPoint.Address);

    public void SetAddress(byte[] addr, ushort port)
    {
        Addr = addr;
        Port = port;
        EndPoint = new IPEndPoint(ToEndPointAddress(addr), port);
    }

    /// <summary>The immutable view, rebuilt after a change.</summary>
    public MemberInfo Info => _info ??= new MemberInfo(Name, EndPoint, Status, Incarnation, Meta, IsLocal);

    /// <summary>Forgets the cached view after a change.</summary>
    public void Changed() => _info = null;

    public static IPAddress ToEndPointAddress(byte[] addr)
    {
        if (addr.Length is not (4 or 16))
        {
            return IPAddress.None;
        }

        var address = new IPAddress(addr);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
