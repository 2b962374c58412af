namespace BareLb.Core.Addresses;

/// <summary>
/// Why a piece of text is not an address, range or prefix: the offending characters and the reason.
/// Parsers return it instead of throwing, so that bad input never costs an exception on the
/// <c>TryParse</c> path; the throwing forms turn it into a <see cref="FormatException"/>.
/// </summary>
internal readonly record struct ParseFailure(int Start, int Length, string Reason)
{
    public static ParseFailure At(int start, int length, string reason) => new(start, Math.Max(length, 1), reason);

    public ParseFailure Shift(int offset) => this with { Start = Start + offset };

    /// <summary>A message that quotes the whole input and points at the wrong characters.</summary>
    public string Describe(ReadOnlySpan<char> input, string what)
    {
        var text = input.ToString();
        if (text.Length == 0)
        {
            return $"'' is not {what}: the text is empty";
        }

        var start = Math.Clamp(Start, 0, text.Length);
        var length = Math.Clamp(Length, 0, text.Length - start);
        // A reason about the whole text (an inverted range, mixed families) needs no place.
        if (start == 0 && length == text.Length || text.Trim() == text.Substring(start, length))
        {
            return $"'{text}' is not {what}: {Reason}";
        }

        var wrong = length == 0 ? "the end of the text" : $"'{text.Substring(start, length)}' at position {start + 1}";
        return $"'{text}' is not {what}: {wrong}: {Reason}";
    }
}
