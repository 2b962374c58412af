using System.CommandLine;

namespace BareLb.Hosting.CommandLine;

/// <summary>
/// Options a drop-in host accepts because MetalLB's manifests pass them, but does not act on. Each
/// parses as MetalLB's flag does (a value, or a switch that also takes <c>=true</c>/<c>=false</c>),
/// says in the help that it is ignored and why, and <see cref="Collect"/> records the ones given.
/// </summary>
public sealed class IgnoredOptions
{
    private readonly List<(Option Option, string Reason)> _options = [];
    private readonly List<(string Variable, string Reason)> _variables = [];

    /// <summary>Every option, to add to a command.</summary>
    public IEnumerable<Option> Options => _options.Select(o => o.Option);

    /// <summary>An option with a value, ignored for <paramref name="reason"/>.</summary>
    public Option<string?> Value(string name, string reason)
    {
        var option = new Option<string?>(name) { Description = $"accepted for MetalLB compatibility, ignored: {reason}", HelpName = "VALUE" };
        _options.Add((option, reason));
        return option;
    }

    /// <summary>A switch (<c>--x</c>, <c>--x=true</c>, <c>--x=false</c>), ignored for <paramref name="reason"/>.</summary>
    public Option<bool> Switch(string name, string reason)
    {
        var option = new Option<bool>(name) { Description = $"accepted for MetalLB compatibility, ignored: {reason}" };
        _options.Add((option, reason));
        return option;
    }

    /// <summary>An environment variable MetalLB reads, ignored for <paramref name="reason"/> when set.</summary>
    public void Variable(string variable, string reason) => _variables.Add((variable, reason));

    /// <summary>Adds every ignored option given on the command line, and every ignored variable that is set, to <paramref name="into"/>.</summary>
    public void Collect(ParseResult result, Func<string, string?> environment, IgnoredSettings into)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(into);
        foreach (var (option, reason) in _options)
        {
            if (result.GetResult(option) is { Implicit: false } given)
            {
                var value = given.Tokens.Count == 0 ? "" : "=" + string.Join(",", given.Tokens.Select(t => t.Value));
                into.Add(option.Name + value, reason);
            }
        }

        foreach (var (variable, reason) in _variables)
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                into.Add($"{variable}={value}", reason);
            }
        }
    }
}
