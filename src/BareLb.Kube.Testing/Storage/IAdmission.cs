using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Resources;

namespace BareLb.Kube.Testing.Storage;

/// <summary>
/// A step that the store runs inside its write lock: defaulting and validation before a write
/// (<see cref="Admit"/>), and reactions after it (<see cref="Committed"/>).
/// </summary>
internal interface IAdmission
{
    /// <summary>Defaults and validates <paramref name="obj"/>; <paramref name="old"/> is null on create.</summary>
    void Admit(ResourceType type, JsonObject? old, JsonObject obj);

    /// <summary>Runs after a write; <paramref name="obj"/> is null when the object was deleted.</summary>
    void Committed(ResourceType type, JsonObject? old, JsonObject? obj);
}
