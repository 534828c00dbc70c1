using System.Text.RegularExpressions;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Apt;

/// <summary>
/// Reads the one apt.conf(5) setting the resolver needs, <c>APT::Install-Recommends</c>, from a
/// root the way apt 2.6 does: the files of <c>/etc/apt/apt.conf.d</c> in name order, then
/// <c>/etc/apt/apt.conf</c>; the last value wins. Other options are skipped.
/// </summary>
internal static partial class AptConfiguration
{
    private const string InstallRecommendsKey = "apt::install-recommends";

    /// <summary>Returns whether apt in the root installs Recommends: true, apt's default, when unset.</summary>
    public static bool InstallRecommends(IRootFileSystem root)
    {
        var value = true;
        foreach (var path in Files(root))
        {
            using var stream = root.OpenRead(path);
            if (stream is not null)
            {
                using var reader = new StreamReader(stream);
                value = InstallRecommends(reader.ReadToEnd(), path) ?? value;
            }
        }

        return value;
    }

    /// <summary>Returns the last <c>APT::Install-Recommends</c> value of one file, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">
    /// The file has an unterminated string or comment, or unbalanced braces.
    /// </exception>
    public static bool? InstallRecommends(string text, string fileName)
    {
        bool? result = null;
        var scopes = new Stack<string>();
        string? key = null;
        string? value = null;
        foreach (var (token, line) in Tokens(text, fileName))
        {
            switch (token)
            {
                case "{":
                    scopes.Push(Join(scopes, key ?? ""));
                    (key, value) = (null, null);
                    break;
                case "}":
                    if (!scopes.TryPop(out _))
                    {
                        throw new InvalidDataException(
                            $"{fileName}:{line}: '}}' closes no scope. Remove it or add the matching '{{'.");
                    }

                    break;
                case ";":
                    if (key is not null && Join(scopes, key) == InstallRecommendsKey)
                    {
                        result = ParseBoolean(value) ?? result;
                    }

                    (key, value) = (null, null);
                    break;
                case ['"', ..]:
                    value = token[1..^1];
                    break;
                default:
                    // An unquoted word is taken as the value too, to be tolerant.
                    if (key is null)
                    {
                        key = token.ToLowerInvariant();
                    }
                    else
                    {
                        value ??= token;
                    }

                    break;
            }
        }

        return scopes.Count == 0
            ? result
            : throw new InvalidDataException($"{fileName}: a '{{' is never closed. Add the matching '}}'.");
    }

    // apt.conf(5): parts with no extension or ".conf", named with letters, digits, '_', '-' and '.'.
    private static IEnumerable<string> Files(IRootFileSystem root)
    {
        var parts = root.List("/etc/apt/apt.conf.d")
            .Select(Path.GetFileName).OfType<string>()
            .Where(n => AcceptedName().IsMatch(n))
            .Where(n => !n.Contains('.', StringComparison.Ordinal) || n.EndsWith(".conf", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => "/etc/apt/apt.conf.d/" + n);
        return [.. parts, "/etc/apt/apt.conf"];
    }

    private static string Join(Stack<string> scopes, string key) =>
        scopes.TryPeek(out var scope) && scope.Length > 0 ? $"{scope}::{key}" : key;

    // The words apt's Configuration::FindB accepts; anything else leaves the default in place.
    private static bool? ParseBoolean(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "with" or "enable" => true,
        "false" or "no" or "off" or "without" or "disable" => false,
        { } number when int.TryParse(number, out var n) => n != 0,
        _ => null,
    };

    // Words, quoted strings, '{', '}' and ';'; comments are "//", "/* */" and lines starting with '#'.
    private static IEnumerable<(string Token, int Line)> Tokens(string text, string fileName)
    {
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || text.AsSpan(i).StartsWith("//"))
            {
                i = text.IndexOf('\n', i) is var end && end < 0 ? text.Length : end;
            }
            else if (text.AsSpan(i).StartsWith("/*"))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new InvalidDataException($"{fileName}:{line}: a '/*' comment is never closed. Add '*/'.");
                }

                line += text.AsSpan(i, end - i).Count('\n');
                i = end + 2;
            }
            else if (c is '{' or '}' or ';')
            {
                yield return (c.ToString(), line);
                i++;
            }
            else if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0 || text.AsSpan(i, end - i).Contains('\n'))
                {
                    throw new InvalidDataException(
                        $"{fileName}:{line}: a quoted value is never closed. Add the closing '\"'.");
                }

                yield return (text[i..(end + 1)], line);
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('{' or '}' or ';' or '"'))
                {
                    i++;
                }

                yield return (text[start..i], line);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex AcceptedName();
}
