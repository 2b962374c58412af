namespace BareLb.Tool.Lab.Cluster;

/// <summary>The guide's <c>metallb_config.yaml</c>: the legacy ConfigMap with one Layer 2 pool.</summary>
internal static class GuideConfiguration
{
    /// <summary>The guide's file with the pool's range and the comment after it.</summary>
    /// <param name="range">The addresses, e.g. <c>192.168.35.100-192.168.35.110</c>.</param>
    /// <param name="comment">The comment at the end of the range's line.</param>
    public static string Yaml(string range, string comment) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          namespace: metallb-system
          name: config
        data:
          config: |
            address-pools:
            - name: default
              protocol: layer2
              addresses:
              - {range}  # {comment}

        """;
}
