namespace BareLb.Benchmarks.Footprint;

/// <summary>The measured speaker exited before its idle windows were sampled: the variant is reported as failed.</summary>
internal sealed class SpeakerExitedException(string message) : Exception(message);
