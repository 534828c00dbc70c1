using BenchmarkDotNet.Running;
using Drydock.Benchmarks.Advisories;
using Drydock.Packages.Deb;

// `extract-deb DEB DIRECTORY` unpacks one package, so scripts can time the whole process
// against `dpkg-deb -x` (bench/deb-extract-vs-dpkg.sh).
if (OperatingSystem.IsLinux() && args is ["extract-deb", var deb, var destination])
{
    DebExtractor.Extract(deb, destination);
    return 0;
}

// `advisories ...` runs the timed advisory import and match harness.
if (args.Length > 0 && args[0] == "advisories")
{
    return AdvisoryHarness.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
