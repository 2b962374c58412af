// Counts the public (externally visible) types of each assembly given on the command line.
// Usage: dotnet run eng/count-public-types.cs -- path/to/A.dll [path/to/B.dll ...]
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

foreach (var path in args)
{
    using var stream = File.OpenRead(path);
    using var pe = new PEReader(stream);
    var reader = pe.GetMetadataReader();
    var count = 0;
    foreach (var handle in reader.TypeDefinitions)
    {
        if (IsVisible(reader, reader.GetTypeDefinition(handle)))
        {
            count++;
        }
    }

    Console.WriteLine($"{Path.GetFileNameWithoutExtension(path)}\t{count}");
}

static bool IsVisible(MetadataReader reader, TypeDefinition type)
{
    var visibility = type.Attributes & TypeAttributes.VisibilityMask;
    if (visibility == TypeAttributes.Public)
    {
        return true;
    }

    if (visibility is TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem)
    {
        return IsVisible(reader, reader.GetTypeDefinition(type.GetDeclaringType()));
    }

    return false;
}
