using Drydock.Packages.Inventory;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apk;

/// <summary>
/// Parses apk's installed database, as apk-tools writes it: records separated by blank lines,
/// one <c>X:value</c> field per line.
/// </summary>
internal sealed class ApkPackageParser
{
    private readonly string _database;
    private readonly bool _includeFiles;
    private readonly PackageInventoryResult _result;
    private readonly Dictionary<char, string> _fields = [];
    private readonly List<string> _files = [];
    private string? _directory;
    private int _recordLine;
    private string? _error;

    public ApkPackageParser(string database, bool includeFiles, PackageInventoryResult result)
    {
        _database = database;
        _includeFiles = includeFiles;
        _result = result;
    }

    /// <summary>Reads every record, adding packages and reporting malformed records.</summary>
    /// <exception cref="InvalidDataException">The file is binary, not a text database.</exception>
    public void Parse(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"The apk database '{_database}' has a NUL byte on line {number}; it is not a text database.");
            }

            if (line.Length == 0)
            {
                Finish();
                continue;
            }

            if (_recordLine == 0)
            {
                _recordLine = number;
            }

            ReadField(line, number);
        }

        Finish();
    }

    private void ReadField(string line, int number)
    {
        if (line.Length < 2 || line[1] != ':')
        {
            _error ??= $"Line {number} '{line}' is not a 'X:value' field.";
            return;
        }

        var value = line[2..];
        switch (line[0])
        {
            case 'F':
                _directory = value;
                break;
            case 'R' when _includeFiles:
                _files.Add(_directory is null or "" ? "/" + value : "/" + _directory + "/" + value);
                break;
            default:
                // Per-file fields (R, Z, a, M) repeat; the package fields that are read do not.
                _fields.TryAdd(line[0], value);
                break;
        }
    }

    private void Finish()
    {
        if (_recordLine == 0)
        {
            return;
        }

        var package = _error is null ? Build() : null;
        if (package is not null)
        {
            _result.Add(package);
        }
        else
        {
            _result.Report(_database, _recordLine, _error!);
        }

        _fields.Clear();
        _files.Clear();
        _directory = null;
        _recordLine = 0;
        _error = null;
    }

    private InstalledPackage? Build()
    {
        var name = Field('P');
        var version = Field('V');
        if (name is null || version is null)
        {
            _error = $"The record for package '{name}' has no {(name is null ? "name (P:)" : "version (V:)")}.";
            return null;
        }

        if (!ApkVersion.TryParse(version, out var parsed))
        {
            _error = $"Package '{name}' has version '{version}' that apk rejects.";
            return null;
        }

        return new InstalledPackage
        {
            Type = PackageType.Apk,
            Name = name,
            Version = version,
            Architecture = Field('A'),
            SourceName = Field('o') ?? name,
            SourceVersion = version,
            Maintainer = Field('m'),
            License = Field('L'),
            InstalledSize = long.TryParse(Field('I'), out var size) ? size : null,
            Database = _database,
            Files = _includeFiles ? _files.ToArray() : null,
            Apk = new ApkPackageDetails(Field('C'), Field('c'), long.TryParse(Field('t'), out var time) ? time : null)
            {
                ParsedVersion = parsed,
            },
        };
    }

    private string? Field(char key) =>
        _fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
