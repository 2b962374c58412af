namespace BareLb.Kube.Testing.Resources;

/// <summary>A printer column of a custom resource: its header, type and the JSON path of its value.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description, int Priority, string? Format);
