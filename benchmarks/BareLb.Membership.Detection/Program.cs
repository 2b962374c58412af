using System.Globalization;
using BareLb.Membership.Detection;

// barelb-membership-detection detect [--members 3,10,100] [--runs 30] [--failures kill,linkdown,both,leave] [--processes yes]
// barelb-membership-detection false-alarms [--members 10] [--minutes 10] [--loss 1] [--stress 2] [--processes yes]
// barelb-membership-detection idle-cost [--members 3] [--seconds 60] [--anchors yes|no]
// Needs root (network namespaces). Prints markdown tables. (barelb-membership-detection member ... is one member
// process of false-alarms --processes yes, started by it inside a namespace.)
if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("barelb-membership-detection: needs root (it creates network namespaces)");
    return 2;
}

var options = args.Skip(1).Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
string Get(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;
switch (args.FirstOrDefault())
{
    case "detect":
        {
            var members = Get("--members", "3,10").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var runs = int.Parse(Get("--runs", "30"), CultureInfo.InvariantCulture);
            var failures = Get("--failures", "kill,linkdown,both,leave").Split(',').Select(f => f switch
            {
                "kill" => Failure.Kill,
                "linkdown" => Failure.LinkDown,
                "both" => Failure.Both,
                "leave" => Failure.Leave,
                _ => throw new ArgumentException($"--failures: '{f}' is not kill, linkdown, both or leave"),
            }).ToArray();
            if (Get("--processes", "no") == "yes")
            {
                // One process per member; only kills (a link or a namespace can hold several members here).
                var status = 0;
                foreach (var n in members)
                {
                    status |= await ProcessDetectionHarness.RunAsync(n, runs, Console.Out);
                }

                return status;
            }

            Console.WriteLine(DetectionHarness.Header);
            foreach (var n in members)
            {
                await DetectionHarness.RunAsync(n, runs, failures, Console.Out);
            }

            return 0;
        }

    case "false-alarms":
        {
            Console.WriteLine(FalseAlarmHarness.Header);
            var members = int.Parse(Get("--members", "10"), CultureInfo.InvariantCulture);
            var duration = TimeSpan.FromMinutes(double.Parse(Get("--minutes", "10"), CultureInfo.InvariantCulture));
            var loss = double.Parse(Get("--loss", "1"), CultureInfo.InvariantCulture);
            var stress = int.Parse(Get("--stress", "2"), CultureInfo.InvariantCulture);
            return Get("--processes", "no") == "yes"
                ? await ProcessFalseAlarmHarness.RunAsync(members, duration, loss, stress, Console.Out)
                : await FalseAlarmHarness.RunAsync(members, duration, loss, stress, Console.Out);
        }

    case "idle-cost":
        return await IdleCostHarness.RunAsync(
            int.Parse(Get("--members", "3"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Get("--seconds", "60"), CultureInfo.InvariantCulture)),
            Get("--anchors", "yes") != "no",
            Console.Out);

    case "member":
        return await MemberProcess.RunAsync(
            Get("--name", "member"),
            System.Net.IPAddress.Parse(Get("--bind", "")),
            [.. Get("--seeds", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(System.Net.IPAddress.Parse)],
            Get("--stall-watch", "yes") != "no");

    default:
        Console.Error.WriteLine("usage: barelb-membership-detection detect [--members 3,10,100] [--runs 30] [--failures kill,linkdown,both,leave] [--processes yes]");
        Console.Error.WriteLine("       barelb-membership-detection false-alarms [--members 10] [--minutes 10] [--loss 1] [--stress 2] [--processes yes]");
        Console.Error.WriteLine("       barelb-membership-detection idle-cost [--members 3] [--seconds 60] [--anchors yes|no]");
        return 2;
}
