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

    /// <summary>
    /// Reads one <c>FILE-NAME=URL</c> option value, as <c>drydock db update --feed</c> takes it.
    /// </summary>
    /// <exception cref="InvalidDataException">The value is not a relative file name and an http(s) URL.</exception>
    public static FeedDefinition ParseOption(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0
            && Uri.TryCreate(value[(equals + 1)..], UriKind.Absolute, out var url)
            && url.Scheme is ("http" or "https")
            && IsSafeRelativePath(value[..equals]))
        {
            return new FeedDefinition(url, value[..equals]);
        }

        throw new InvalidDataException($"The feed '{value}' is invalid. Write it as FILE-NAME=URL with a relative "
            + "file name and an http(s) URL, for example 'debian-osv.zip=https://…/all.zip'.");
    }

    /// <summary>
    /// Applies <paramref name="overrides"/> to <paramref name="feeds"/>: a feed with the same
    /// file name gets the override's URL, and other overrides are added at the end.
    /// </summary>
    public static IReadOnlyList<FeedDefinition> Override(
        IReadOnlyList<FeedDefinition> feeds, IReadOnlyList<FeedDefinition> overrides)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        ArgumentNullException.ThrowIfNull(overrides);
        var byName = overrides.ToDictionary(feed => feed.FileName, StringComparer.Ordinal);
        var result = feeds.Select(feed => byName.Remove(feed.FileName, out var replacement) ? replacement : feed)
            .ToList();
        result.AddRange(overrides.Where(feed => byName.ContainsKey(feed.FileName)));
        return result;
    }

    /// <summary>
    /// The official feeds of the distributions Drydock reads, shipped with Drydock
    /// (Update/official.list): what <c>drydock db update</c> downloads when no list is configured.
    /// </summary>
    public static IReadOnlyList<FeedDefinition> Official
    {
        get
        {
            using var stream = typeof(FeedDefinition).Assembly.GetManifestResourceStream("Drydock.Advisories.official.list")
                ?? throw new InvalidOperationException("The official feed list is missing from this Drydock build.");
            using var reader = new StreamReader(stream);
            return ParseList(reader.ReadToEnd(), "the official feed list");
        }
    }

    /// <summary>
    /// The feed list read when <c>--feeds</c> is not given: <c>$XDG_CONFIG_HOME/drydock/feeds.list</c>,
    /// else <c>~/.config/drydock/feeds.list</c>.
    /// </summary>
    public static string DefaultListPath
    {
        get
        {
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (string.IsNullOrEmpty(config))
            {
                config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            }

            return Path.Combine(config, "drydock", "feeds.list");
        }
    }

    private static bool IsSafeRelativePath(string path) =>
        !Path.IsPathRooted(path)
        && path.Split('/', '\\').All(part => part.Length > 0 && part != "." && part != "..");
}
