namespace BareLb.Kube.Configuration;

/// <summary>A YAML file of Kubernetes manifests: its name, for messages, and its text.</summary>
/// <param name="Path">The name to show in "FILE:LINE" messages.</param>
/// <param name="Text">The YAML text, any number of documents.</param>
public sealed record ConfigurationFile(string Path, string Text);
