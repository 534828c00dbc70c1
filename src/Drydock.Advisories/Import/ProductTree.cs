using System.Text.Json;

namespace Drydock.Advisories.Import;

/// <summary>An RPM (or a product without one) placed in a Red Hat Enterprise Linux stream.</summary>
internal sealed record Component(AdvisoryNamespace Namespace, string Stream, string? Package, string? Evr);

/// <summary>
/// The product tree of a Red Hat CSAF document, reduced to what matching needs: each
/// relationship product id resolved to the RHEL release, stream, RPM name and EVR it names.
/// </summary>
internal sealed class ProductTree
{
    private readonly Dictionary<string, (AdvisoryNamespace Namespace, string Stream)> _products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Component, string Parent)> _relationships = new(StringComparer.Ordinal);

    public IEnumerable<AdvisoryNamespace> Namespaces => _products.Values.Select(p => p.Namespace).Distinct();

    public static ProductTree Read(JsonElement tree)
    {
        var result = new ProductTree();
        if (tree.TryGetProperty("branches", out var branches))
        {
            result.ReadBranches(branches);
        }

        if (tree.TryGetProperty("relationships", out var relationships))
        {
            foreach (var relationship in relationships.EnumerateArray())
            {
                var id = relationship.GetProperty("full_product_name").GetProperty("product_id").GetString()!;
                result._relationships[id] = (
                    relationship.GetProperty("product_reference").GetString()!,
                    relationship.GetProperty("relates_to_product_reference").GetString()!);
            }
        }

        return result;
    }

    /// <summary>
    /// Resolves a product id from a vulnerability's status lists; null when it is not a
    /// component of a RHEL product (a container image, another product line).
    /// </summary>
    public Component? Resolve(string productId)
    {
        if (!_relationships.TryGetValue(productId, out var relationship))
        {
            return null;
        }

        var module = "";
        var parent = relationship.Parent;
        // A modular RPM relates to a module stream (python36:3.6:CONTEXT:HASH), which in turn
        // relates to the product.
        if (_relationships.TryGetValue(parent, out var moduleRelationship))
        {
            module = ModuleStream(moduleRelationship.Component);
            parent = moduleRelationship.Parent;
        }

        if (!_products.TryGetValue(parent, out var product))
        {
            return null;
        }

        if (!RpmNevra.TryParse(relationship.Component, out var nevra))
        {
            return IsImage(relationship.Component) || IsModule(relationship.Component)
                ? null
                : new Component(product.Namespace, product.Stream, RpmNevra.NameOnly(relationship.Component), null);
        }

        if (nevra.Module.Length > 0)
        {
            module = nevra.Module;
        }

        var stream = string.Join(' ', new[] { product.Stream, module.Length > 0 ? $"module:{module}" : "" }
            .Where(part => part.Length > 0));
        var package = nevra.Arch == "src" ? $"src:{nevra.Name}" : nevra.Name;
        return new Component(product.Namespace, stream, package, nevra.Evr);
    }

    private void ReadBranches(JsonElement branches)
    {
        foreach (var branch in branches.EnumerateArray())
        {
            if (OsvParser.OptionalString(branch, "category") == "product_name"
                && branch.TryGetProperty("product", out var product)
                && OsvParser.OptionalString(product, "product_id") is { } id
                && product.TryGetProperty("product_identification_helper", out var helper)
                && OsvParser.OptionalString(helper, "cpe") is { } cpe
                && ParseCpe(cpe) is { } stream)
            {
                _products[id] = stream;
            }

            if (branch.TryGetProperty("branches", out var children))
            {
                ReadBranches(children);
            }
        }
    }

    /// <summary>
    /// Maps a RHEL CPE to its namespace and stream: <c>cpe:/o:redhat:enterprise_linux:9::baseos</c>
    /// is redhat:9 main; <c>cpe:/a:redhat:rhel_eus:9.4::appstream</c> is redhat:9 stream eus-9.4;
    /// <c>cpe:/o:redhat:rhel_els:6</c> is redhat:6 stream els.
    /// </summary>
    internal static (AdvisoryNamespace Namespace, string Stream)? ParseCpe(string cpe)
    {
        var parts = cpe.Split(':');
        if (parts.Length < 5 || parts[2] != "redhat")
        {
            return null;
        }

        var product = parts[3];
        var version = parts[4];
        var major = version.Split('.')[0];
        if (!AdvisoryNamespace.TryParse($"redhat:{major}", out var ns) || !major.All(char.IsAsciiDigit))
        {
            return null;
        }

        return product switch
        {
            "enterprise_linux" => (ns, ""),
            "rhel_eus" or "rhel_aus" or "rhel_e4s" or "rhel_tus" when version.Contains('.') =>
                (ns, $"{product["rhel_".Length..]}-{version}"),
            "rhel_els" => (ns, "els"),
            _ => null,
        };
    }

    private static string ModuleStream(string moduleComponent)
    {
        var parts = moduleComponent.Split(':');
        return parts.Length >= 2 ? $"{parts[0]}:{parts[1]}" : moduleComponent;
    }

    private static bool IsImage(string component) => component.Contains('@') || component.Contains('/');

    // A module stream component such as python36:3.6:8040020241213073301:9bf6f064.
    private static bool IsModule(string component) => component.Count(c => c == ':') >= 3;
}

/// <summary>
/// An RPM as CSAF product ids write it: <c>name-[epoch:]version-release.arch</c>, optionally
/// followed by <c>::module:stream</c> or (older documents) <c>.rpm-module:stream</c>.
/// </summary>
internal readonly record struct RpmNevra(string Name, string Evr, string Arch, string Module)
{
    public static bool TryParse(string text, out RpmNevra nevra)
    {
        nevra = default;
        var module = "";
        var moduleAt = text.IndexOf("::", StringComparison.Ordinal);
        if (moduleAt < 0)
        {
            moduleAt = text.IndexOf(".rpm-", StringComparison.Ordinal);
            if (moduleAt >= 0)
            {
                module = text[(moduleAt + ".rpm-".Length)..];
            }
        }
        else
        {
            module = text[(moduleAt + 2)..];
        }

        var rpm = moduleAt >= 0 ? text[..moduleAt] : text;
        var archDot = rpm.LastIndexOf('.');
        var releaseDash = archDot > 0 ? rpm.LastIndexOf('-', archDot) : -1;
        var versionDash = releaseDash > 0 ? rpm.LastIndexOf('-', releaseDash - 1) : -1;
        if (versionDash <= 0)
        {
            return false;
        }

        var name = rpm[..versionDash];
        var version = rpm[(versionDash + 1)..releaseDash];
        var release = rpm[(releaseDash + 1)..archDot];
        var arch = rpm[(archDot + 1)..];
        if (name.Length == 0 || version.Length == 0 || release.Length == 0 || arch.Length == 0)
        {
            return false;
        }

        var evr = version.Contains(':') ? $"{version}-{release}" : $"0:{version}-{release}";
        nevra = new RpmNevra(name, evr, arch, module);
        return true;
    }

    /// <summary>The package of a versionless product id such as <c>red_hat_enterprise_linux_9:libxml2</c>.</summary>
    public static string NameOnly(string text) => text[(text.LastIndexOf(':') + 1)..];
}
