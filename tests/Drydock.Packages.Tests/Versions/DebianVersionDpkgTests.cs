using System.Diagnostics;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Tests.Versions;

/// <summary>Checks the comparison against the dpkg installed on the test machine.</summary>
public sealed class DebianVersionDpkgTests
{
    private static readonly string[] _versions =
    [
        "1.0", "1.0-1", "1.0~rc1-1", "1:0.9", "1.0+b1", "1.0a", "1.0.", "1.0~", "1.00", "01.0-0",
        "2.38.1-5+b1", "2.38.1-5", "3.0.11-1~deb12u2", "3.0.11-1", "3.0.11-1+deb12u2", "1.2.3~~",
        "10a10", "9.9z", "1.0-1.1", "1.0-1a", "1.0-1~bpo12+1", "0~20230101", "7.88.1-10+deb12u5",
    ];

    [Fact]
    public void Compare_AgreesWithDpkgCompareVersions()
    {
        if (!File.Exists("/usr/bin/dpkg"))
        {
            Assert.Skip("dpkg is not installed, so there is no reference to compare with.");
        }

        foreach (var left in _versions)
        {
            foreach (var right in _versions)
            {
                var expected = IsLessByDpkg(left, right) ? -1 : IsLessByDpkg(right, left) ? 1 : 0;
                var actual = Math.Sign(DebianVersion.Compare(left, right));
                Assert.True(expected == actual, $"'{left}' vs '{right}': dpkg {expected}, Drydock {actual}");
            }
        }
    }

    private static bool IsLessByDpkg(string left, string right)
    {
        var start = new ProcessStartInfo("dpkg", ["--compare-versions", "--", left, "lt", right]);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
