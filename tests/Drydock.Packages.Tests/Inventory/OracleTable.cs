namespace Drydock.Packages.Tests.Inventory;

/// <summary>
/// A tab-separated oracle file: lines starting with '#' are comments, the first other line
/// names the columns, each further line is one package.
/// </summary>
internal sealed class OracleTable
{
    private OracleTable(string[] columns, List<string[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public string[] Columns { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public static OracleTable Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(line => !line.StartsWith('#') && line.Length > 0).ToList();
        var rows = lines.Skip(1).Select(line => line.Split('\t')).ToList();
        return new OracleTable(lines[0].Split('\t'), rows);
    }

    public IEnumerable<IReadOnlyDictionary<string, string>> Records =>
        Rows.Select(row => (IReadOnlyDictionary<string, string>)Columns
            .Select((column, i) => (column, value: i < row.Length ? row[i] : ""))
            .ToDictionary(pair => pair.column, pair => pair.value));
}
