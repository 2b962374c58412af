// BareLb.Kube: Kubernetes bindings. Concepts live in folders (Configuration/, Informers/, ...).
[assembly: System.CLSCompliant(false)]
