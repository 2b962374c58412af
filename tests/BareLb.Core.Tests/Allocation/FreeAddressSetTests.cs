using BareLb.Core.Allocation;
using CsCheck;

namespace BareLb.Core.Tests.Allocation;

public sealed class FreeAddressSetTests
{
    [Fact]
    public void RandomTakesAndGives_AgreeWithASimpleModel()
    {
        var op = Gen.Select(Gen.Bool, Gen.Int[0, 200]);
        op.Array[1, 400].Sample(ops =>
        {
            var set = new FreeAddressSet();
            var model = new SortedSet<int>();
            set.AddRange(10, 60);
            set.AddRange(100, 150);
            for (var i = 10; i <= 60; i++)
            {
                model.Add(i);
            }

            for (var i = 100; i <= 150; i++)
            {
                model.Add(i);
            }

            foreach (var (take, value) in ops)
            {
                if (take)
                {
                    Assert.Equal(model.Remove(value), set.Remove((UInt128)value));
                }
                else if (value is (>= 10 and <= 60) or (>= 100 and <= 150))
                {
                    Assert.Equal(model.Add(value), set.Add((UInt128)value));
                }

                Assert.Equal(model.Count > 0, set.TryGetLowest(out var lowest));
                if (model.Count > 0)
                {
                    Assert.Equal((UInt128)model.Min, lowest);
                }

                Assert.Equal(model.Contains(value), set.Contains((UInt128)value));
                Assert.Equal(CountRuns(model), set.IntervalCount);
            }
        }, iter: 300);
    }

    [Fact]
    public void EdgesOfTheNumberSpace_AreHandled()
    {
        var set = new FreeAddressSet();
        set.AddRange(UInt128.MaxValue - 1, UInt128.MaxValue);
        set.AddRange(0, 1);
        Assert.True(set.Remove(UInt128.MaxValue));
        Assert.True(set.Remove(0));
        Assert.True(set.Add(UInt128.MaxValue));
        Assert.True(set.Add(0));
        Assert.Equal(2, set.IntervalCount);
        Assert.True(set.TryGetLowest(out var lowest));
        Assert.Equal(UInt128.Zero, lowest);
    }

    private static int CountRuns(SortedSet<int> values)
    {
        var runs = 0;
        int? previous = null;
        foreach (var v in values)
        {
            if (previous != v - 1)
            {
                runs++;
            }

            previous = v;
        }

        return runs;
    }
}
