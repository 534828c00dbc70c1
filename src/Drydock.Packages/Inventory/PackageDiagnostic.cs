namespace Drydock.Packages.Inventory;

/// <summary>
/// A malformed record that was skipped or read in part, with the database file and the line
/// (or, for binary databases, the record number) where it starts.
/// </summary>
/// <param name="File">Absolute path of the database file inside the root.</param>
/// <param name="Line">One-based line of the record, or its record number for binary files.</param>
/// <param name="Message">What is wrong with the record, with the value in quotes.</param>
public sealed record PackageDiagnostic(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}
