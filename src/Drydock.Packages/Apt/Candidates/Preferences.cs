using System.Text;
using System.Text.RegularExpressions;
using Drydock.Packages.Deb822;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Apt.Candidates;

/// <summary>
/// Reads apt_preferences(5) records from <c>/etc/apt/preferences</c> and the files of
/// <c>/etc/apt/preferences.d</c> that apt 2.6 reads there: names made of letters, digits,
/// '_', '-' and '.', with no extension or the extension <c>.pref</c>.
/// </summary>
public static partial class Preferences
{
    public static IReadOnlyList<PinRule> Read(IRootFileSystem root)
    {
        var rules = new List<PinRule>();
        rules.AddRange(ReadFile(root, "/etc/apt/preferences"));
        foreach (var name in root.List("/etc/apt/preferences.d").Select(Path.GetFileName).OfType<string>())
        {
            if (AcceptedName().IsMatch(name) && (!name.Contains('.', StringComparison.Ordinal) || name.EndsWith(".pref", StringComparison.Ordinal)))
            {
                rules.AddRange(ReadFile(root, "/etc/apt/preferences.d/" + name));
            }
        }

        return rules;
    }

    /// <summary>Parses the records of one preferences file.</summary>
    public static IReadOnlyList<PinRule> Parse(TextReader reader, string fileName)
    {
        var rules = new List<PinRule>();
        foreach (var paragraph in Deb822Reader.ReadAll(reader))
        {
            var location = $"{fileName}:{paragraph.LineNumber}";
            var package = paragraph["Package"];
            var pin = paragraph["Pin"];
            var priorityText = paragraph["Pin-Priority"];
            if (package is null || pin is null)
            {
                throw new InvalidDataException($"{location}: a preferences record needs Package and Pin fields.");
            }

            if (!int.TryParse(priorityText, out var priority) || priority == 0)
            {
                throw new InvalidDataException(
                    $"{location}: invalid Pin-Priority '{priorityText}'. Use a non-zero integer such as 500.");
            }

            rules.Add(PinRule.Create(package, pin, priority, location));
        }

        return rules;
    }

    private static IReadOnlyList<PinRule> ReadFile(IRootFileSystem root, string path)
    {
        using var stream = root.OpenRead(path);
        if (stream is null)
        {
            return [];
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader, path);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex AcceptedName();
}
