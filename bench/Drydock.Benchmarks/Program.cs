using BenchmarkDotNet.Running;
using Drydock.Packages.Deb;

// `extract-deb DEB DIRECTORY` unpacks one package, so scripts can time the whole process
// against `dpkg-deb -x` (bench/deb-extract-vs-dpkg.sh).
if (OperatingSystem.IsLinux() && args is ["extract-deb", var deb, var destination])
{
    DebExtractor.Extract(deb, destination);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
