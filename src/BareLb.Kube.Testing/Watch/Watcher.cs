using System.Threading.Channels;
using BareLb.Kube.Testing.Selectors;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Watch;

/// <summary>An open watch: what it selects and the queue of items its HTTP stream writes out.</summary>
internal sealed class Watcher
{
    private readonly Channel<WatchItem> _items = Channel.CreateUnbounded<WatchItem>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    public Watcher(string storageKey, string? ns, LabelSelector labels, FieldSelector fields, bool bookmarks)
    {
        StorageKey = storageKey;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
        Bookmarks = bookmarks;
    }

    public string StorageKey { get; }

    public string? Namespace { get; }

    public LabelSelector Labels { get; }

    public FieldSelector Fields { get; }

    public bool Bookmarks { get; }

    public ChannelReader<WatchItem> Reader => _items.Reader;

    public bool Matches(StoredObject obj) =>
        (Namespace is null || obj.Namespace == Namespace)
        && (Fields.Name is null || obj.Name == Fields.Name)
        && Labels.Matches(obj.Root)
        && Fields.Matches(obj.Root);

    /// <summary>Queues the event this watcher sees for a change, if any (filters can turn MODIFIED into ADDED or DELETED).</summary>
    public void Offer(string type, StoredObject obj, StoredObject? old)
    {
        switch (type)
        {
            case "ADDED":
                if (Matches(obj))
                {
                    _items.Writer.TryWrite(new WatchItem("ADDED", obj, 0, null));
                }

                break;
            case "DELETED":
                if (Matches(obj))
                {
                    _items.Writer.TryWrite(new WatchItem("DELETED", obj, 0, null));
                }

                break;
            default:
                var now = Matches(obj);
                var before = old is not null && Matches(old);
                if (now)
                {
                    _items.Writer.TryWrite(new WatchItem(before ? "MODIFIED" : "ADDED", obj, 0, null));
                }
                else if (before)
                {
                    _items.Writer.TryWrite(new WatchItem("DELETED", old!, 0, null));
                }

                break;
        }
    }

    public void Enqueue(WatchItem item) => _items.Writer.TryWrite(item);

    /// <summary>Ends the stream: the HTTP response finishes once the queued items are written.</summary>
    public void Cut() => _items.Writer.TryComplete();
}
