using System.Diagnostics;

namespace Drydock.Images.Patch;

/// <summary>
/// Measures the steps of a patch for debug logs: the wall time and the CPU time of the whole
/// process, which other processes on a busy machine inflate far less than the wall time.
/// </summary>
internal sealed class StepClock
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private TimeSpan _cpu = Environment.CpuUsage.TotalTime;

    /// <summary>Returns the milliseconds since the last lap, or since the start, and starts the next.</summary>
    public (long Wall, long Cpu) Lap()
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var lap = (_wall.ElapsedMilliseconds, (long)(cpu - _cpu).TotalMilliseconds);
        _wall.Restart();
        _cpu = cpu;
        return lap;
    }
}
