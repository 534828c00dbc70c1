using System.Text.RegularExpressions;

namespace Drydock.Testing.Apt;

/// <summary>
/// A private copy of the minbase root in which the image's own apt runs under
/// <c>chroot</c>, so its simulated upgrades, installs and candidates judge Drydock's.
/// The root's sources are replaced by the ones a test writes. Deleted on dispose.
/// </summary>
public sealed partial class AptOracle : IDisposable
{
    public AptOracle()
    {
        if (Environment.UserName != "root" || !ToolRunner.Exists("chroot"))
        {
            Xunit.Assert.Skip("Running apt inside a chroot needs root.");
        }

        var minbase = Rootfs.DebianRootfs.BookwormMinbase();
        Root = Path.Combine(Directory.CreateTempSubdirectory("drydock-oracle-").FullName, "root");
        ToolRunner.Run("cp", ["-a", minbase, Root]);
        File.Delete(Path.Combine(Root, "etc/apt/sources.list"));
    }

    /// <summary>The root directory apt runs in.</summary>
    public string Root { get; }

    /// <summary>Writes a file inside the root, such as <c>/etc/apt/sources.list.d/test.sources</c>.</summary>
    public void WriteFile(string path, string content)
    {
        var full = Path.Combine(Root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Copies a host file into the root.</summary>
    public void CopyFile(string source, string path)
    {
        var full = Path.Combine(Root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.Copy(source, full, overwrite: true);
    }

    /// <summary>Runs <c>apt-get update</c>; a refused repository makes it fail.</summary>
    public string Update() => Apt("apt-get", "update", "-q", "-o", "APT::Update::Error-Mode=any");

    /// <summary>The packages <c>apt-get -s upgrade</c> would install, as "name version" lines, sorted.</summary>
    public IReadOnlyList<string> SimulateUpgrade(params string[] options) =>
        Installs(Apt(["apt-get", "-s", "-q", "upgrade", .. options]));

    /// <summary>
    /// The packages plain <c>apt-get -s install</c> would install: with Recommends, unless the
    /// root's apt configuration turns them off.
    /// </summary>
    public IReadOnlyList<string> SimulateDefaultInstall(params string[] packages) =>
        Installs(Apt(["apt-get", "-s", "-q", "install", .. packages]));

    /// <summary>The packages <c>apt-get -s install --no-install-recommends</c> would install.</summary>
    public IReadOnlyList<string> SimulateInstall(params string[] packages) =>
        Installs(Apt(["apt-get", "-s", "-q", "--no-install-recommends", "install", .. packages]));

    /// <summary>The candidate versions <c>apt-cache policy</c> prints, by package name.</summary>
    public IReadOnlyDictionary<string, string> Candidates(IEnumerable<string> packages)
    {
        var output = Apt(["apt-cache", "policy", .. packages]);
        var result = new Dictionary<string, string>();
        string? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.Length > 0 && line[0] != ' ' && line.EndsWith(':'))
            {
                current = line[..^1];
            }
            else if (current is not null && line.TrimStart().StartsWith("Candidate: ", StringComparison.Ordinal))
            {
                result[current] = line.Trim()["Candidate: ".Length..];
            }
        }

        return result;
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);

    private string Apt(params string[] arguments) => ToolRunner.Run("chroot", [Root, .. arguments]);

    private static List<string> Installs(string output)
    {
        var installs = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            var match = InstLine().Match(line);
            if (match.Success)
            {
                installs.Add($"{match.Groups["name"].Value} {match.Groups["version"].Value}");
            }
        }

        installs.Sort(StringComparer.Ordinal);
        return installs;
    }

    // "Inst libc6 [2.36-9+deb12u13] (2.36-9+deb12u14 Debian:12.15/oldstable [amd64])"
    [GeneratedRegex(@"^Inst (?<name>\S+) (\[\S+\] )?\((?<version>\S+) ")]
    private static partial Regex InstLine();
}
