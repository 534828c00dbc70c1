using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Indexes;

/// <summary>The version operator of a relation, deb-control(5).</summary>
public enum RelationOperator
{
    Any,
    Earlier,
    EarlierOrEqual,
    Equal,
    LaterOrEqual,
    Later,
}

/// <summary>
/// One package relation such as <c>libc6:any (&gt;= 2.36)</c>: a name, an optional
/// architecture qualifier and an optional version constraint (Debian Policy 4.6, 7.1).
/// </summary>
public sealed record Relation(string Name, string? ArchQualifier, RelationOperator Operator, DebianVersion? Version)
{
    /// <summary>Returns whether a version meets this relation's constraint.</summary>
    public bool Accepts(DebianVersion version)
    {
        if (Version is not { } wanted)
        {
            return true;
        }

        var order = version.CompareTo(wanted);
        return Operator switch
        {
            RelationOperator.Earlier => order < 0,
            RelationOperator.EarlierOrEqual => order <= 0,
            RelationOperator.Equal => order == 0,
            RelationOperator.LaterOrEqual => order >= 0,
            RelationOperator.Later => order > 0,
            _ => true,
        };
    }

    public override string ToString()
    {
        var name = ArchQualifier is null ? Name : $"{Name}:{ArchQualifier}";
        return Version is null ? name : $"{name} ({OperatorText(Operator)} {Version})";
    }

    internal static string OperatorText(RelationOperator op) => op switch
    {
        RelationOperator.Earlier => "<<",
        RelationOperator.EarlierOrEqual => "<=",
        RelationOperator.Equal => "=",
        RelationOperator.LaterOrEqual => ">=",
        RelationOperator.Later => ">>",
        _ => "",
    };
}

/// <summary>Parses relation fields (Depends, Provides, Breaks and the like) into alternatives.</summary>
public static class RelationParser
{
    /// <summary>
    /// Parses a field into groups of alternatives: <c>a | b, c</c> gives <c>[[a, b], [c]]</c>.
    /// Build-profile and architecture restrictions (<c>[amd64]</c>, <c>&lt;!nocheck&gt;</c>) only occur
    /// in source control files and are rejected here.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Relation>> Parse(string? field, string location)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return [];
        }

        var groups = new List<IReadOnlyList<Relation>>();
        foreach (var group in field.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var alternatives = new List<Relation>();
            foreach (var item in group.Split('|', StringSplitOptions.TrimEntries))
            {
                alternatives.Add(ParseOne(item, location));
            }

            groups.Add(alternatives);
        }

        return groups;
    }

    private static Relation ParseOne(string text, string location)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var head = (open < 0 ? text : text[..open]).Trim();
        if (head.Length == 0 || head.Contains(' ', StringComparison.Ordinal) || head.Contains('[', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{location}: invalid relation '{text}'.");
        }

        var colon = head.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? head : head[..colon];
        var qualifier = colon < 0 ? null : head[(colon + 1)..];
        if (open < 0)
        {
            return new Relation(name, qualifier, RelationOperator.Any, null);
        }

        var close = text.IndexOf(')', open);
        if (close < 0)
        {
            throw new InvalidDataException($"{location}: the relation '{text}' has no closing ')'.");
        }

        var constraint = text[(open + 1)..close].Trim();
        var (op, length) = constraint switch
        {
            _ when constraint.StartsWith("<<", StringComparison.Ordinal) => (RelationOperator.Earlier, 2),
            _ when constraint.StartsWith("<=", StringComparison.Ordinal) => (RelationOperator.EarlierOrEqual, 2),
            _ when constraint.StartsWith(">>", StringComparison.Ordinal) => (RelationOperator.Later, 2),
            _ when constraint.StartsWith(">=", StringComparison.Ordinal) => (RelationOperator.LaterOrEqual, 2),
            _ when constraint.StartsWith('=') => (RelationOperator.Equal, 1),
            // "<" and ">" are obsolete spellings of "<=" and ">=" (deb-control(5)).
            _ when constraint.StartsWith('<') => (RelationOperator.EarlierOrEqual, 1),
            _ when constraint.StartsWith('>') => (RelationOperator.LaterOrEqual, 1),
            _ => throw new InvalidDataException($"{location}: the relation '{text}' has no version operator."),
        };
        var versionText = constraint[length..].Trim();
        if (!DebianVersion.TryParse(versionText, out var version) || versionText.Length == 0)
        {
            throw new InvalidDataException($"{location}: the relation '{text}' has an invalid version '{versionText}'.");
        }

        return new Relation(name, qualifier, op, version);
    }
}
