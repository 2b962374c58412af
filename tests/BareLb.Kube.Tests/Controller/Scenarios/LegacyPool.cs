namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>A pool of the legacy ConfigMap, as the guide writes it.</summary>
internal sealed record LegacyPool(string Name, string[] Addresses, bool AutoAssign = true);
