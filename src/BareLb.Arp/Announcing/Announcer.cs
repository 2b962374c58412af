using BareLb.Arp.Responding;
using BareLb.Arp.Transports;
using Microsoft.Extensions.Logging;

namespace BareLb.Arp.Announcing;

/// <summary>
/// Announces the addresses gained on one interface: a burst of
/// <see cref="Layer2Options.AnnouncementCount"/> frames, the first at once and then every
/// <see cref="Layer2Options.AnnouncementInterval"/>, then one every
/// <see cref="Layer2Options.RefreshInterval"/> until the address is withdrawn.
/// </summary>
internal sealed class Announcer : IDisposable
{
    private readonly IFrameTransport _transport;
    private readonly Layer2Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<AnnouncedAddress, Schedule> _schedules = [];

    public Announcer(IFrameTransport transport, Layer2Options options, TimeProvider timeProvider, ILogger logger)
    {
        _transport = transport;
        _options = options;
        _time = timeProvider;
        _logger = logger;
    }

    public void Start(AnnouncedAddress entry)
    {
        var schedule = new Schedule(this, entry);
        lock (_gate)
        {
            _schedules.Add(entry, schedule);
        }

        schedule.Timer = _time.CreateTimer(static state => ((Schedule)state!).Fire(), schedule, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        schedule.Fire();
    }

    /// <summary>Starts the burst again from its first frame, sent at once; false if the address is not being announced.</summary>
    public bool Restart(AnnouncedAddress entry)
    {
        Schedule? schedule;
        lock (_gate)
        {
            _schedules.TryGetValue(entry, out schedule);
        }

        return schedule?.Restart() ?? false;
    }

    /// <summary>Stops announcing; once this returns no further announcement for the address is sent.</summary>
    public void Stop(AnnouncedAddress entry)
    {
        Schedule? schedule;
        lock (_gate)
        {
            _schedules.Remove(entry, out schedule);
        }

        schedule?.Stop();
    }

    public void Dispose()
    {
        Schedule[] all;
        lock (_gate)
        {
            all = [.. _schedules.Values];
            _schedules.Clear();
        }

        foreach (var schedule in all)
        {
            schedule.Stop();
        }
    }

    private sealed class Schedule
    {
        private readonly Announcer _owner;
        private readonly AnnouncedAddress _entry;
        private readonly Lock _gate = new();
        private int _sent;
        private bool _stopped;

        public Schedule(Announcer owner, AnnouncedAddress entry)
        {
            _owner = owner;
            _entry = entry;
        }

        public ITimer? Timer { get; set; }

        public void Fire()
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                Span<byte> frame = stackalloc byte[Responding.FrameResponder.MaxReplyLength];
                var transport = _owner._transport;
                try
                {
                    var length = AnnouncementWriter.Write(frame, _entry.Address, transport.HardwareAddress);
                    if (transport.TrySend(frame[..length]))
                    {
                        Interlocked.Increment(ref _entry.Counters.Announcements);
                    }
                    else
                    {
                        Layer2Log.AnnouncementFailed(_owner._logger, _entry.Text, transport.InterfaceName);
                    }
                }
                catch (ObjectDisposedException)
                {
                    _stopped = true;
                    return;
                }
#pragma warning disable CA1031 // A timer callback that throws kills the process; a failed announcement is logged and the next one is tried.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Layer2Log.AnnouncementThrew(_owner._logger, e, _entry.Text, transport.InterfaceName);
                }

                _sent++;
                var options = _owner._options;
                var next = _sent < options.AnnouncementCount ? options.AnnouncementInterval : options.RefreshInterval;
                if (next > TimeSpan.Zero)
                {
                    Timer?.Change(next, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public bool Restart()
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return false;
                }

                _sent = 0;
            }

            Fire();
            return true;
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                Timer?.Dispose();
            }
        }
    }
}
