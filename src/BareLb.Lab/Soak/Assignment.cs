using System.Net;

namespace BareLb.Lab.Soak;

/// <summary>An address held by one Service for a while, as the soak saw it in the Services' status.</summary>
/// <param name="Address">The address.</param>
/// <param name="Service">The Service holding it, <c>namespace/name</c>.</param>
/// <param name="From">When the soak first saw it.</param>
/// <param name="Cause">When the step that probably gave it began (or <paramref name="From"/>): what appearance is measured from.</param>
internal sealed record Assignment(IPAddress Address, string Service, DateTimeOffset From, DateTimeOffset Cause)
{
    /// <summary>When the soak saw it go, or null while it is held.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>Whether it was held over the whole of <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Covers(DateTimeOffset from, DateTimeOffset to) => From <= from && (To is null || To >= to);
}
