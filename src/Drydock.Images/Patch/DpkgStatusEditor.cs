using System.Text;

namespace Drydock.Images.Patch;

/// <summary>
/// The dpkg status file of the image, edited stanza by stanza as dpkg 1.21 rewrites it: a
/// stanza is replaced in place, a new one appended, and everything else kept byte for byte.
/// </summary>
internal sealed class DpkgStatusEditor
{
    private readonly List<string> _stanzas;

    public DpkgStatusEditor(string text)
    {
        _stanzas = [.. text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('\n'))
            .Where(s => s.Length > 0)];
    }

    /// <summary>Returns the stanza of an installed package; <c>all</c> packages match any architecture.</summary>
    public string? Find(string name, string architecture) =>
        _stanzas.FirstOrDefault(s => Matches(s, name, architecture));

    /// <summary>Replaces the stanza of a package, or appends it when the package is new.</summary>
    public void Set(string name, string architecture, string stanza)
    {
        var index = _stanzas.FindIndex(s => Matches(s, name, architecture));
        if (index < 0)
        {
            _stanzas.Add(stanza.Trim('\n'));
        }
        else
        {
            _stanzas[index] = stanza.Trim('\n');
        }
    }

    /// <summary>The stanzas in file order, without their trailing blank line.</summary>
    public IReadOnlyList<string> Stanzas => _stanzas;

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(string.Join("\n\n", _stanzas) + "\n\n");

    /// <summary>Returns a field's value (continuation lines joined with '\n'), or null.</summary>
    public static string? Field(string stanza, string name)
    {
        var lines = stanza.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = new StringBuilder(lines[i][(name.Length + 1)..].Trim());
            for (var j = i + 1; j < lines.Length && lines[j].StartsWith(' '); j++)
            {
                value.Append('\n').Append(lines[j].Trim());
            }

            return value.ToString();
        }

        return null;
    }

    /// <summary>
    /// Builds the status stanza dpkg writes for an unpacked and configured package: the
    /// control file with <c>Status</c> after <c>Package</c> and <c>Conffiles</c> before
    /// <c>Description</c>.
    /// </summary>
    public static string BuildStanza(string control, IReadOnlyList<string> conffileLines)
    {
        var output = new StringBuilder();
        var conffilesWritten = conffileLines.Count == 0;
        foreach (var line in control.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n'))
        {
            if (!conffilesWritten && line.StartsWith("Description:", StringComparison.Ordinal))
            {
                AppendConffiles(output, conffileLines);
                conffilesWritten = true;
            }

            output.Append(line).Append('\n');
            if (line.StartsWith("Package:", StringComparison.Ordinal))
            {
                output.Append("Status: install ok installed\n");
            }
        }

        if (!conffilesWritten)
        {
            AppendConffiles(output, conffileLines);
        }

        return output.ToString();
    }

    private static void AppendConffiles(StringBuilder output, IReadOnlyList<string> lines)
    {
        output.Append("Conffiles:\n");
        foreach (var line in lines)
        {
            output.Append(' ').Append(line).Append('\n');
        }
    }

    private static bool Matches(string stanza, string name, string architecture)
    {
        if (Field(stanza, "Package") != name)
        {
            return false;
        }

        var arch = Field(stanza, "Architecture");
        return arch == architecture || arch == "all" || architecture == "all";
    }
}
