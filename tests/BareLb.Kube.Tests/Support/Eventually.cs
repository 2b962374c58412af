namespace BareLb.Kube.Tests;

/// <summary>Waits for a condition by polling it, with a patience that <c>BARELB_TEST_PATIENCE</c> (a factor) can raise on a slow machine.</summary>
internal static class Eventually
{
    private static readonly double Patience =
        double.TryParse(Environment.GetEnvironmentVariable("BARELB_TEST_PATIENCE"), System.Globalization.CultureInfo.InvariantCulture, out var factor) && factor >= 1 ? factor : 1;

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> when it does not within <paramref name="within"/> (10 s by default).</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + ((within ?? TimeSpan.FromSeconds(10)) * Patience);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not within {within ?? TimeSpan.FromSeconds(10)}: {what}");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="probe"/> answers true.</summary>
    public static async Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + ((within ?? TimeSpan.FromSeconds(10)) * Patience);
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not within {within ?? TimeSpan.FromSeconds(10)}: {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
