namespace BareLb.Kube.Testing.Storage;

/// <summary>A change kept in the watch history so that a watch can resume from a resourceVersion.</summary>
internal sealed record HistoryEvent(long ResourceVersion, string StorageKey, string Type, StoredObject Object, StoredObject? Old);
