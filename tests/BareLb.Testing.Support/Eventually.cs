using System.Globalization;

namespace BareLb.Testing.Support;

/// <summary>
/// Waits for a condition by polling it. Every limit is multiplied by <see cref="Patience"/>, which
/// <c>BARELB_TEST_PATIENCE</c> (a factor, at least 1) raises on a slow machine; a test that needs more than the
/// limit fails, naming what it waited for.
/// </summary>
public static class Eventually
{
    /// <summary>The default limit before patience: 10 s.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(10);

    /// <summary>The factor every limit is multiplied by (<c>BARELB_TEST_PATIENCE</c>, at least 1; 1 when unset).</summary>
    public static double Patience { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("BARELB_TEST_PATIENCE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) && factor >= 1 ? factor : 1;

    /// <summary><paramref name="limit"/> multiplied by <see cref="Patience"/>.</summary>
    public static TimeSpan Scaled(TimeSpan limit) => limit * Patience;

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> after the limit (10 s by default).</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), what, within);
    }

    /// <summary>Waits until <paramref name="probe"/> answers true; fails the test naming <paramref name="what"/> after the limit.</summary>
    public static async Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        await ValueAsync(async () => await probe().ConfigureAwait(false) ? true : (bool?)null, what, within).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value (not null) and returns it; fails the test naming <paramref name="what"/> after the limit.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var limit = within ?? DefaultLimit;
        var deadline = DateTime.UtcNow + Scaled(limit);
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not within {Scaled(limit).TotalSeconds:0.#} s: {what}");
            }

            await Task.Delay(delay, TestContext.Current.CancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 50));
        }
    }

    /// <summary>Waits for <paramref name="task"/>; fails the test naming <paramref name="what"/> when it does not finish within the limit.</summary>
    public static async Task CompletesAsync(Task task, string what, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var limit = Scaled(within ?? DefaultLimit);
        try
        {
            await task.WaitAsync(limit, TestContext.Current.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"not within {limit.TotalSeconds:0.#} s: {what}");
        }
    }
}
