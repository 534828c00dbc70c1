namespace Drydock.Advisories;

/// <summary>
/// One feed file to download: its URL and the file name it is kept under in the download
/// folder. The file name also tells the importer which distribution an OSV export belongs to
/// (<c>debian-osv.zip</c>).
/// </summary>
/// <param name="Url">An http or https URL.</param>
/// <param name="FileName">A relative path such as <c>alpine-secdb/v3.18-main.json</c>.</param>
public sealed record FeedDefinition(Uri Url, string FileName)
{
    /// <summary>
    /// Reads a feed list: one feed a line, <c>FILE-NAME URL</c>, with blank lines and lines
    /// starting with <c>#</c> ignored.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is not a relative file name and an http(s) URL.</exception>
    public static IReadOnlyList<FeedDefinition> ParseList(string text, string origin)
    {
        var feeds = new List<FeedDefinition>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2
                || !Uri.TryCreate(fields[1], UriKind.Absolute, out var url)
                || url.Scheme is not ("http" or "https")
                || !IsSafeRelativePath(fields[0]))
            {
                throw new InvalidDataException(
                    $"Line {lineNumber} of the feed list '{origin}' is invalid: '{line}'. "
                    + "Write one feed a line as 'FILE-NAME URL', for example 'debian-osv.zip https://…/all.zip'.");
            }

            feeds.Add(new FeedDefinition(url, fields[0]));
        }

        return feeds;
    }

    private static bool IsSafeRelativePath(string path) =>
        !Path.IsPathRooted(path)
        && path.Split('/', '\\').All(part => part.Length > 0 && part != "." && part != "..");
}
