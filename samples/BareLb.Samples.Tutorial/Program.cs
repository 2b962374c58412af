// The guide without packets (no root needed): shared/scenario's guide against the in-memory API server
// with BareLb's controller, kubectl as the guide types it, addresses as data. Its code lives in the
// barelb tool, whose `barelb lab` runs it when it cannot build network namespaces.
return await BareLb.Tool.Lab.WithoutPackets.GuideWithoutPackets.RunAsync(Console.Out, Console.Error);
