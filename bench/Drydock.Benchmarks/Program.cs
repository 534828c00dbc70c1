using BenchmarkDotNet.Running;
using Drydock.Benchmarks.Advisories;

if (args.Length > 0 && args[0] == "advisories")
{
    return AdvisoryHarness.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
