using BareLb.Kube.Testing.Tests.Support;
using k8s;

namespace BareLb.Kube.Testing.Tests.Kubectl;

/// <summary>
/// kubectl's generator subcommands (<c>kubectl create namespace|configmap|secret|...</c>), which send their bodies as
/// Kubernetes protobuf, and the everyday commands around them (<c>get -o yaml</c>, <c>edit</c>, <c>apply</c>, <c>delete</c>).
/// </summary>
public sealed class CreateSubcommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateNamespace_ThenGetYaml_ShowsTheNamespace()
    {
        await using var scope = await ApiServerScope.StartAsync();

        var created = (await KubectlRunner.RunAsync(scope.Server, "create", "namespace", "metallb-system")).Succeeded();
        var yaml = (await KubectlRunner.RunAsync(scope.Server, "get", "namespace", "metallb-system", "-o", "yaml")).Succeeded();

        Assert.Equal("namespace/metallb-system created\n", created.Stdout);
        Assert.Contains("kind: Namespace", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("name: metallb-system", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("phase: Active", yaml.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateConfigMap_FromLiteralAndFile_StoresBothKeys()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var file = Path.Combine(Path.GetDirectoryName(scope.Server.KubeconfigPath)!, "config");
        await File.WriteAllTextAsync(file, "address-pools:\n- name: default\n", Ct);

        var created = (await KubectlRunner.RunAsync(scope.Server, "create", "configmap", "config", "-n", "default", "--from-literal=mode=l2", $"--from-file={file}")).Succeeded();
        var cm = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("config", "default", cancellationToken: Ct);

        Assert.Equal("configmap/config created\n", created.Stdout);
        Assert.Equal("l2", cm.Data["mode"]);
        Assert.Equal("address-pools:\n- name: default\n", cm.Data["config"]);
    }

    [Fact]
    public async Task CreateSecretGeneric_StoresBytesAndType()
    {
        await using var scope = await ApiServerScope.StartAsync();

        var created = (await KubectlRunner.RunAsync(scope.Server, "create", "secret", "generic", "memberlist", "-n", "default", "--from-literal=secretkey=s3cr3t")).Succeeded();
        var secret = await scope.Client.CoreV1.ReadNamespacedSecretAsync("memberlist", "default", cancellationToken: Ct);
        var data = (await KubectlRunner.RunAsync(scope.Server, "get", "secret", "memberlist", "-n", "default", "-o", "jsonpath={.data.secretkey}")).Succeeded();

        Assert.Equal("secret/memberlist created\n", created.Stdout);
        Assert.Equal("Opaque", secret.Type);
        Assert.Equal("s3cr3t"u8.ToArray(), secret.Data["secretkey"]);
        Assert.Equal(Convert.ToBase64String("s3cr3t"u8), data.Stdout);
    }

    [Fact]
    public async Task CreateServiceAccountAndRbac_BindsTheAccount()
    {
        await using var scope = await ApiServerScope.StartAsync();

        (await KubectlRunner.RunAsync(scope.Server, "create", "serviceaccount", "speaker", "-n", "default")).Succeeded();
        (await KubectlRunner.RunAsync(scope.Server, "create", "role", "pod-lister", "-n", "default", "--verb=get,list,watch", "--resource=pods")).Succeeded();
        (await KubectlRunner.RunAsync(scope.Server, "create", "rolebinding", "pod-lister", "-n", "default", "--role=pod-lister", "--serviceaccount=default:speaker")).Succeeded();
        (await KubectlRunner.RunAsync(scope.Server, "create", "clusterrole", "node-reader", "--verb=get,list", "--resource=nodes")).Succeeded();
        (await KubectlRunner.RunAsync(scope.Server, "create", "clusterrolebinding", "node-reader", "--clusterrole=node-reader", "--serviceaccount=default:speaker")).Succeeded();

        var role = await scope.Client.RbacAuthorizationV1.ReadNamespacedRoleAsync("pod-lister", "default", cancellationToken: Ct);
        var binding = await scope.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("node-reader", cancellationToken: Ct);
        await scope.Client.CoreV1.ReadNamespacedServiceAccountAsync("speaker", "default", cancellationToken: Ct);

        Assert.Equal(["get", "list", "watch"], role.Rules.Single().Verbs);
        Assert.Equal(["pods"], role.Rules.Single().Resources);
        Assert.Equal([string.Empty], role.Rules.Single().ApiGroups);
        Assert.Equal(("ClusterRole", "node-reader", "rbac.authorization.k8s.io"), (binding.RoleRef.Kind, binding.RoleRef.Name, binding.RoleRef.ApiGroup));
        Assert.Equal(("ServiceAccount", "speaker", "default"), (binding.Subjects.Single().Kind, binding.Subjects.Single().Name, binding.Subjects.Single().NamespaceProperty));
    }

    [Fact]
    public async Task CreateDeploymentServiceAndPdb_StoreTheirSpecs()
    {
        await using var scope = await ApiServerScope.StartAsync();

        (await KubectlRunner.RunAsync(scope.Server, "create", "deployment", "web", "-n", "default", "--image=nginx", "--replicas=2", "--port=80")).Succeeded();
        (await KubectlRunner.RunAsync(scope.Server, "create", "service", "loadbalancer", "web", "-n", "default", "--tcp=80:8080")).Succeeded();
        var pdb = (await KubectlRunner.RunAsync(scope.Server, "create", "poddisruptionbudget", "web", "-n", "default", "--selector=app=web", "--min-available=1")).Succeeded();

        var deployment = await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);
        var service = await scope.Client.CoreV1.ReadNamespacedServiceAsync("web", "default", cancellationToken: Ct);
        var budget = await scope.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", "default", cancellationToken: Ct);

        Assert.Equal("poddisruptionbudget.policy/web created\n", pdb.Stdout);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("nginx", deployment.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal(80, deployment.Spec.Template.Spec.Containers.Single().Ports.Single().ContainerPort);
        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Equal("8080", service.Spec.Ports.Single().TargetPort.Value);
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.Equal("web", budget.Spec.Selector.MatchLabels["app"]);
    }

    [Fact]
    public async Task CreateNamespace_Twice_ReportsAlreadyExists()
    {
        await using var scope = await ApiServerScope.StartAsync();

        (await KubectlRunner.RunAsync(scope.Server, "create", "namespace", "lab")).Succeeded();
        var again = await KubectlRunner.RunAsync(scope.Server, "create", "namespace", "lab");

        Assert.NotEqual(0, again.ExitCode);
        Assert.Equal("Error from server (AlreadyExists): namespaces \"lab\" already exists\n", again.Stderr);
    }

    [Fact]
    public async Task EditWithKubeEditor_ChangesTheDeployment()
    {
        await using var scope = await ApiServerScope.StartAsync();
        (await KubectlRunner.RunAsync(scope.Server, "create", "deployment", "web", "-n", "default", "--image=nginx", "--replicas=2")).Succeeded();
        var editor = Path.Combine(Path.GetDirectoryName(scope.Server.KubeconfigPath)!, "editor.sh");
        await File.WriteAllTextAsync(editor, "#!/bin/sh\nsed -i 's/replicas: 2/replicas: 3/' \"$1\"\n", Ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var edited = (await KubectlRunner.RunAsync(scope.Server, ["edit", "deployment", "web", "-n", "default"], null,
            new Dictionary<string, string> { ["KUBE_EDITOR"] = editor })).Succeeded();
        var replicas = (await KubectlRunner.RunAsync(scope.Server, "get", "deployment", "web", "-n", "default", "-o", "jsonpath={.spec.replicas}")).Succeeded();

        Assert.Equal("deployment.apps/web edited\n", edited.Stdout);
        Assert.Equal("3", replicas.Stdout);
    }

    [Fact]
    public async Task ApplyClientSide_CreatesLeavesUnchangedAndConfigures_ThenDeleteRemoves()
    {
        await using var scope = await ApiServerScope.StartAsync();
        const string Manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: default
            data:
              mode: MODE
            """;

        var created = (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], Manifest.Replace("MODE", "a", StringComparison.Ordinal))).Succeeded();
        var unchanged = (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], Manifest.Replace("MODE", "a", StringComparison.Ordinal))).Succeeded();
        var configured = (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], Manifest.Replace("MODE", "b", StringComparison.Ordinal))).Succeeded();
        var deleted = (await KubectlRunner.RunAsync(scope.Server, ["delete", "-f", "-"], Manifest)).Succeeded();

        Assert.Equal("configmap/settings created\n", created.Stdout);
        Assert.Equal("configmap/settings unchanged\n", unchanged.Stdout);
        Assert.Equal("configmap/settings configured\n", configured.Stdout);
        Assert.Equal("configmap \"settings\" deleted\n", deleted.Stdout);
        Assert.Null(scope.Server.Get("v1", "ConfigMap", "default", "settings"));
    }
}
