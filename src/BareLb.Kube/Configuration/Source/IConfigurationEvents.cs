
namespace BareLb.Kube.Configuration.Source;

/// <summary>Makes configuration problems visible on the objects that hold them.</summary>
public interface IConfigurationEvents
{
    /// <summary>
    /// Records a Warning event for a problem on the ConfigMap or custom resource it names, given that
    /// object's namespace and uid (kubectl describe finds events by uid).
    /// </summary>
    Task RecordProblemAsync(ConfigurationProblem problem, string objectNamespace, string? objectUid, CancellationToken cancellationToken);
}
