using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Drydock.Images.Build;

/// <summary>
/// Reads a build spec strictly: unknown keys, wrong types and duplicate keys are errors that
/// name the file, the line and the value, so a typo never silently changes an image.
/// </summary>
public static partial class BuildSpecReader
{
    // adduser.conf's SYS_NAME_REGEX (adduser 3.134, Debian 12), which also admits the
    // leading underscore of names such as _apt; useradd(8) limits names to 32 characters.
    [GeneratedRegex(@"^[a-z_][-a-z0-9_]*\$?\z")]
    private static partial Regex AccountNamePattern();

    private const int MaxAccountName = 32;

    private static readonly HashSet<string> _topKeys =
    [
        "distribution", "release", "repositories", "keyring", "architectures", "packages", "exclude",
        "users", "groups", "user", "environment", "entrypoint", "cmd", "workdir", "annotations", "labels",
        "paths",
    ];

    /// <summary>Reads the spec file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The spec is malformed.</exception>
    public static BuildSpec ReadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses spec text; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The spec is malformed.</exception>
    public static BuildSpec Parse(string text, string path)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException(YamlError(path, e), e);
        }

        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException(
                $"The build spec '{path}' must be one YAML mapping with keys such as 'release' and 'packages'.");
        }

        return new Reader(path).Read(root);
    }

    // YamlDotNet 18 reports a repeated key as "Duplicate key NAME" from the loader, before the
    // reader's own check can see it.
    private static string YamlError(string path, YamlException e)
    {
        const string duplicate = "Duplicate key ";
        var message = e.Message.TrimEnd('.');
        return message.StartsWith(duplicate, StringComparison.Ordinal)
            ? $"{path}:{e.Start.Line}: The key '{message[duplicate.Length..]}' appears twice; keep one."
            : $"{path}:{e.Start.Line}: The build spec is not valid YAML ({message}); fix the line.";
    }

    private sealed class Reader(string path)
    {
        public BuildSpec Read(YamlMappingNode root)
        {
            var map = Keys(root, _topKeys, "the spec");
            var distribution = map.TryGetValue("distribution", out var d) ? Scalar(d, "distribution") : "debian";
            var release = Scalar(Required(map, root, "release"), "release");
            var packages = List(Required(map, root, "packages"), "packages");
            if (packages.Count == 0)
            {
                throw Error(root, "The key 'packages' is empty; list at least one package.");
            }

            return new BuildSpec
            {
                Path = path,
                Distribution = distribution,
                Release = release,
                Repositories = map.TryGetValue("repositories", out var r)
                    ? Items(r, "repositories").Select(Repository).ToList()
                    : BuildSpec.DefaultRepositories(distribution, release),
                Keyring = map.TryGetValue("keyring", out var k) ? Scalar(k, "keyring") : BuildSpec.DefaultKeyring,
                Architectures = map.TryGetValue("architectures", out var a) ? List(a, "architectures") : ["amd64"],
                Packages = packages,
                Exclude = map.TryGetValue("exclude", out var e) ? List(e, "exclude") : [],
                Users = map.TryGetValue("users", out var u) ? Unique(u, "users", ReadUser, x => x.Name) : [],
                Groups = map.TryGetValue("groups", out var g) ? Unique(g, "groups", ReadGroup, x => x.Name) : [],
                User = map.TryGetValue("user", out var user) ? Scalar(user, "user") : null,
                Environment = map.TryGetValue("environment", out var env) ? Dictionary(env, "environment") : new Dictionary<string, string>(),
                Entrypoint = map.TryGetValue("entrypoint", out var ep) ? List(ep, "entrypoint") : null,
                Cmd = map.TryGetValue("cmd", out var cmd) ? List(cmd, "cmd") : null,
                Workdir = map.TryGetValue("workdir", out var w) ? Scalar(w, "workdir") : null,
                Annotations = map.TryGetValue("annotations", out var an) ? Dictionary(an, "annotations") : new Dictionary<string, string>(),
                Labels = map.TryGetValue("labels", out var l) ? Dictionary(l, "labels") : new Dictionary<string, string>(),
                Paths = map.TryGetValue("paths", out var p) ? ReadPaths(p) : new SpecPaths(),
            };
        }

        private SpecRepository Repository(YamlNode node)
        {
            var map = Keys(node, ["uri", "suites", "components"], "a repository");
            var text = Scalar(Required(map, node, "uri"), "uri");
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https" or "file"))
            {
                throw Error(node, $"The repository uri '{text}' is not an http, https or file URI.");
            }

            var components = map.TryGetValue("components", out var c) ? List(c, "components") : ["main"];
            return new SpecRepository(uri, List(Required(map, node, "suites"), "suites"), components);
        }

        private SpecUser ReadUser(YamlNode node)
        {
            var map = Keys(node, ["name", "uid", "gid", "home", "shell"], "a user");
            var name = AccountName(Required(map, node, "name"), "users", "name");
            var uid = Integer(Required(map, node, "uid"), "uid");
            return new SpecUser(
                name,
                uid,
                map.TryGetValue("gid", out var g) ? Integer(g, "gid") : uid,
                map.TryGetValue("home", out var h) ? AccountPath(h, "home") : "/home/" + name,
                map.TryGetValue("shell", out var s) ? AccountPath(s, "shell") : "/sbin/nologin");
        }

        private SpecGroup ReadGroup(YamlNode node)
        {
            var map = Keys(node, ["name", "gid"], "a group");
            return new SpecGroup(
                AccountName(Required(map, node, "name"), "groups", "name"), Integer(Required(map, node, "gid"), "gid"));
        }

        private List<T> Unique<T>(YamlNode node, string key, Func<YamlNode, T> read, Func<T, string> name)
        {
            var items = Items(node, key).Select(read).ToList();
            var repeated = items.GroupBy(name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            return repeated is null
                ? items
                : throw Error(node, $"The name '{repeated.Key}' appears twice in '{key}'; keep one.");
        }

        // The name becomes the first field of /etc/passwd, /etc/group and /etc/shadow lines and
        // the default home directory, so a ':' or a newline in it would add accounts.
        private string AccountName(YamlNode node, string list, string key)
        {
            var name = Scalar(node, key);
            return name.Length <= MaxAccountName && AccountNamePattern().IsMatch(name)
                ? name
                : throw Error(node, $"The {list} key '{key}' is '{Printable(name)}', not an account name; "
                    + $"use lower-case letters, digits, '_' and '-' (not first), at most {MaxAccountName} "
                    + "characters, as adduser accepts.");
        }

        // passwd(5) fields are separated by ':' and records by newlines; a '..' in the home
        // directory would lay it outside the place it names.
        private string AccountPath(YamlNode node, string key)
        {
            var value = Scalar(node, key);
            var bad = !value.StartsWith('/') || value.Any(c => c == ':' || char.IsControl(c))
                || value.Split('/').Contains("..");
            return bad
                ? throw Error(node, $"The users key '{key}' is '{Printable(value)}', not an absolute path "
                    + "without ':', '..' or control characters; fix the value.")
                : value;
        }

        private static string Printable(string value) =>
            string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

        private SpecPaths ReadPaths(YamlNode node)
        {
            var map = Keys(node, ["defaults", "drop", "keep"], "paths");
            var defaults = true;
            if (map.TryGetValue("defaults", out var d))
            {
                var value = Scalar(d, "defaults");
                defaults = value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw Error(d, $"The key 'defaults' is '{value}'; write true or false."),
                };
            }

            return new SpecPaths
            {
                DropDefaults = defaults,
                Drop = map.TryGetValue("drop", out var drop) ? List(drop, "drop") : [],
                Keep = map.TryGetValue("keep", out var keep) ? List(keep, "keep") : [],
            };
        }

        private Dictionary<string, YamlNode> Keys(YamlNode node, IReadOnlyCollection<string> allowed, string what)
        {
            if (node is not YamlMappingNode mapping)
            {
                throw Error(node, $"Expected {what} to be a mapping of keys, not '{Show(node)}'.");
            }

            var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = Scalar(keyNode, "key");
                if (!allowed.Contains(key))
                {
                    throw Error(keyNode, $"Unknown key '{key}' in {what}; known keys are "
                        + string.Join(", ", allowed.Order(StringComparer.Ordinal)) + ".");
                }

                if (!result.TryAdd(key, value))
                {
                    throw Error(keyNode, $"The key '{key}' appears twice in {what}; keep one.");
                }
            }

            return result;
        }

        private YamlNode Required(Dictionary<string, YamlNode> map, YamlNode owner, string key) =>
            map.TryGetValue(key, out var value)
                ? value
                : throw Error(owner, $"The key '{key}' is missing; add it.");

        private string Scalar(YamlNode node, string key) =>
            node is YamlScalarNode { Value: { Length: > 0 } value }
                ? value
                : throw Error(node, $"The key '{key}' must be a non-empty text value, not '{Show(node)}'.");

        private int Integer(YamlNode node, string key)
        {
            var text = Scalar(node, key);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(node, $"The key '{key}' is '{text}', not a whole number from 0 up.");
        }

        private IEnumerable<YamlNode> Items(YamlNode node, string key) =>
            node is YamlSequenceNode sequence
                ? sequence.Children
                : throw Error(node, $"The key '{key}' must be a list, not '{Show(node)}'.");

        private List<string> List(YamlNode node, string key) => Items(node, key).Select(i => Scalar(i, key)).ToList();

        private Dictionary<string, string> Dictionary(YamlNode node, string key)
        {
            if (node is not YamlMappingNode mapping)
            {
                throw Error(node, $"The key '{key}' must be a mapping, not '{Show(node)}'.");
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in mapping.Children)
            {
                var name = Scalar(k, key);
                if (!result.TryAdd(name, v is YamlScalarNode { Value: { } text } ? text : Scalar(v, name)))
                {
                    throw Error(k, $"The entry '{name}' appears twice in '{key}'; keep one.");
                }
            }

            return result;
        }

        private static string Show(YamlNode node) => node switch
        {
            YamlScalarNode scalar => scalar.Value ?? "",
            YamlSequenceNode => "a list",
            YamlMappingNode => "a mapping",
            _ => node.NodeType.ToString(),
        };

        private InvalidDataException Error(YamlNode node, string message) =>
            new($"{path}:{node.Start.Line}: {message}");
    }
}
