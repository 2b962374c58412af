using BareLb.Membership.Options;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Detection;

/// <summary>
/// N members left alone for a while with every CPU saturated (<c>stress-ng --cpu</c>) and loss on
/// every link (<c>tc netem</c>): any member declared dead is a false alarm.
/// </summary>
internal static class FalseAlarmHarness
{
    public static async Task<int> RunAsync(int members, TimeSpan duration, double lossPercent, int stressCpus, TextWriter output)
    {
        using var lab = new Lab(members);
        await using var cluster = new Cluster(lab, new MembershipOptions());
        await cluster.StartAllAsync();
        if (lossPercent > 0)
        {
            lab.AddLoss(lossPercent);
        }

        output.WriteLine($"# {members} members, {duration.TotalMinutes:0.#} min, {lossPercent:0.##} % loss per link, stress-ng --cpu {stressCpus}");
        var mark = cluster.Changes.Count;
        var (falseDeaths, suspected) = await FalseAlarmWatch.RunAsync(duration, stressCpus, () => Count(cluster, mark), static () => "", output);

        output.WriteLine($"| {members} | {duration.TotalMinutes:0.#} min | {lossPercent:0.##} % | {stressCpus} | {suspected} | {falseDeaths} |");
        foreach (var death in cluster.Changes.Skip(mark).Where(c => c.Change.Kind == MemberEventKind.Dead).Take(20))
        {
            output.WriteLine($"  false death: member {death.Observer} saw {death.Change.Member.Name} dead at {death.Change.At:HH:mm:ss.fff}");
        }

        return falseDeaths == 0 ? 0 : 1;
    }

    public static string Header => "| members | duration | loss per link | stress-ng --cpu | suspicions | false deaths |\n|---|---|---|---|---|---|";

    private static (int Deaths, int Suspicions) Count(Cluster cluster, int mark)
    {
        var changes = cluster.Changes.Skip(mark).ToList();
        return (changes.Count(c => c.Change.Kind == MemberEventKind.Dead), changes.Count(c => c.Change.Kind == MemberEventKind.Suspect));
    }
}
