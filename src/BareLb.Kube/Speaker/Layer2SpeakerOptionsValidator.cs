using Microsoft.Extensions.Options;

namespace BareLb.Kube.Speaker;

/// <summary>Checks <see cref="Layer2SpeakerOptions"/> when the host starts.</summary>
internal sealed class Layer2SpeakerOptionsValidator : IValidateOptions<Layer2SpeakerOptions>
{
    public ValidateOptionsResult Validate(string? name, Layer2SpeakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
