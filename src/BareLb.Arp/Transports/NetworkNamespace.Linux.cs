using System.Runtime.InteropServices;

namespace BareLb.Arp.Transports;

/// <summary>
/// Runs code on a short-lived thread that has entered a named network namespace
/// (<c>/var/run/netns/NAME</c>, as <c>ip netns add</c> creates). Sockets created there stay in
/// that namespace for their whole life, whichever thread uses them later.
/// </summary>
internal static class NetworkNamespace
{
    public static T Run<T>(string name, Func<T> action)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new FrameTransportException($"'{name}' is not a network namespace name.");
        }

        var path = Path.Combine("/var/run/netns", name);
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
                if (LinuxNative.SetNs(handle, LinuxNative.CloneNewNet) != 0)
                {
                    throw new FrameTransportException($"Cannot enter network namespace {name}: {Marshal.GetLastPInvokeErrorMessage()}.");
                }

                result = action();
            }
            catch (FileNotFoundException)
            {
                failure = new FrameTransportException($"Network namespace {name} does not exist ({path} is missing).");
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "barelb-netns " + name,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw failure is FrameTransportException ? failure : new FrameTransportException(failure.Message, failure);
        }

        return result;
    }
}
