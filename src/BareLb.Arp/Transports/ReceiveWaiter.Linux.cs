using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BareLb.Arp.Transports;

/// <summary>
/// Waits in poll(2) until a socket has something to read, a timeout passes, or another thread calls
/// <see cref="Interrupt"/> (an eventfd that then stays readable). A receive thread can so wait without a timeout and
/// still stop at once: a blocking recv(2) cannot be woken, and disposing its socket waits for it to return.
/// </summary>
internal sealed unsafe class ReceiveWaiter : IDisposable
{
    private readonly SafeFileHandle _event;

    public ReceiveWaiter()
    {
        var fd = LinuxNative.EventFd(0, LinuxNative.EfdCloExec | LinuxNative.EfdNonBlock);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new FrameTransportException($"Cannot create an eventfd: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }

        _event = new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Waits for <paramref name="socket"/> to be readable (or to report an error, which the next read returns), for at
    /// most <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit). False on a timeout or
    /// after <see cref="Interrupt"/>.
    /// </summary>
    public bool WaitReadable(SafeHandle socket, TimeSpan timeout)
    {
        var milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        var socketAdded = false;
        var eventAdded = false;
        try
        {
            socket.DangerousAddRef(ref socketAdded);
            _event.DangerousAddRef(ref eventAdded);
            var fds = stackalloc LinuxNative.PollFd[2];
            fds[0] = new LinuxNative.PollFd { Fd = (int)socket.DangerousGetHandle(), Events = LinuxNative.PollIn };
            fds[1] = new LinuxNative.PollFd { Fd = (int)_event.DangerousGetHandle(), Events = LinuxNative.PollIn };
            while (true)
            {
                var ready = LinuxNative.Poll(fds, 2, milliseconds);
                if (ready >= 0)
                {
                    return ready > 0 && fds[1].ReturnedEvents == 0 && fds[0].ReturnedEvents != 0;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != LinuxNative.EIntr)
                {
                    throw new IOException($"poll failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }
        finally
        {
            if (eventAdded)
            {
                _event.DangerousRelease();
            }

            if (socketAdded)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>Wakes a <see cref="WaitReadable"/> in progress, and makes every later one return false at once.</summary>
    public void Interrupt()
    {
        var added = false;
        try
        {
            _event.DangerousAddRef(ref added);
            ulong one = 1;
            _ = LinuxNative.Write(_event.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing waits any more.
        }
        finally
        {
            if (added)
            {
                _event.DangerousRelease();
            }
        }
    }

    public void Dispose() => _event.Dispose();
}
