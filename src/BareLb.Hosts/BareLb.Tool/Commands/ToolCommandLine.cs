using System.CommandLine;
using BareLb.Tool.Lab;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb</c>'s command tree: <c>apiserver</c>, <c>config check</c>, <c>config convert</c>, <c>lab</c>.</summary>
internal static class ToolCommandLine
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var config = new Command("config", "check and convert MetalLB configuration offline")
        {
            new ConfigCheckCommand().Create(output, error),
            new ConfigConvertCommand().Create(output, error),
        };
        return new RootCommand("barelb: BareLb's tools")
        {
            new ApiServerCommand().Create(output, error),
            config,
            new LabCommand().Create(output, error),
        };
    }
}
