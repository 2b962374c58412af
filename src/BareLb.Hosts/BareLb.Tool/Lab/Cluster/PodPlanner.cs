using System.Security.Cryptography;
using System.Text;
using BareLb.Kube.Serialization;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// The scheduling the node agent does, as the DaemonSet and Deployment controllers and the scheduler would in a
/// small cluster: a DaemonSet gets one Pod on every node whose labels its <c>nodeSelector</c> matches; a Deployment
/// gets its replica count, each new Pod on the node with the fewest of its Pods (the first such node in order);
/// Pods whose owner is gone, whose node no longer qualifies, or beyond the replica count are removed. Pod names follow
/// Kubernetes: <c>speaker-x7k2p</c> for a DaemonSet, <c>controller-&lt;template hash&gt;-x7k2p</c> for a Deployment.
/// </summary>
internal static class PodPlanner
{
    // Kubernetes' name alphabet: no vowels and no look-alike characters.
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Plans the changes; <paramref name="random"/> picks the names' random suffixes.</summary>
    /// <param name="workloads">The DaemonSets and Deployments.</param>
    /// <param name="nodes">The nodes in order, with their labels.</param>
    /// <param name="existing">The Pods the agent runs now.</param>
    /// <param name="random">The source of name suffixes.</param>
    public static PodPlan Plan(IReadOnlyList<Workload> workloads, IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels)> nodes, IReadOnlyList<PlannedPod> existing, Random random)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(random);
        var create = new List<(PlannedPod, Workload)>();
        var remove = new List<PlannedPod>();
        var names = existing.Select(static p => p.Name).ToHashSet(StringComparer.Ordinal);
        var owners = workloads.ToDictionary(static w => w.Key, StringComparer.Ordinal);
        remove.AddRange(existing.Where(p => !owners.ContainsKey(p.OwnerKey)));
        foreach (var workload in workloads)
        {
            var eligible = nodes.Where(n => Admits(workload, n.Labels)).Select(static n => n.Name).ToList();
            var pods = existing.Where(p => p.OwnerKey == workload.Key).ToList();
            var stranded = pods.Where(p => !eligible.Contains(p.Node, StringComparer.Ordinal)).ToList();
            remove.AddRange(stranded);
            pods = [.. pods.Except(stranded)];
            if (workload.Replicas is not { } replicas)
            {
                foreach (var node in eligible.Where(n => !pods.Any(p => p.Node == n)))
                {
                    create.Add((new PlannedPod(workload.Namespace, NewName(workload, names, random), workload.Key, node), workload));
                }

                remove.AddRange(pods.GroupBy(static p => p.Node).SelectMany(static g => g.Skip(1)));
                continue;
            }

            remove.AddRange(pods.Skip(replicas));
            var placed = pods.Take(replicas).Select(static p => p.Node).ToList();
            for (var i = placed.Count; i < replicas && eligible.Count > 0; i++)
            {
                var node = eligible.MinBy(n => placed.Count(p => p == n))!;
                placed.Add(node);
                create.Add((new PlannedPod(workload.Namespace, NewName(workload, names, random), workload.Key, node), workload));
            }
        }

        return new PodPlan(create, remove);
    }

    /// <summary>Whether a workload's <c>nodeSelector</c> admits a node with these labels.</summary>
    public static bool Admits(Workload workload, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(labels);
        return workload.Template.Spec.NodeSelector is not { } selector || selector.All(p => labels.TryGetValue(p.Key, out var value) && value == p.Value);
    }

    private static string NewName(Workload workload, HashSet<string> taken, Random random)
    {
        while (true)
        {
            var name = workload.Replicas is null ? $"{workload.Name}-{Suffix(random, 5)}" : $"{workload.Name}-{TemplateHash(workload)}-{Suffix(random, 5)}";
            if (taken.Add(name))
            {
                return name;
            }
        }
    }

    // A stable 10-character hash of the template, as the Deployment controller's pod-template-hash.
    private static string TemplateHash(Workload workload)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(KubeJson.Serialize(workload.Template)));
        return string.Create(10, digest, static (span, bytes) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[bytes[i] % Alphabet.Length];
            }
        });
    }

    private static string Suffix(Random random, int length) => string.Create(length, random, static (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[r.Next(Alphabet.Length)];
        }
    });
}
