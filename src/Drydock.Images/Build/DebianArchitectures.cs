using Drydock.Oci.Model;

namespace Drydock.Images.Build;

/// <summary>Maps Debian architecture names to OCI platforms.</summary>
internal static class DebianArchitectures
{
    /// <summary>
    /// The OCI platform of a Debian architecture: GOARCH names with the variants the OCI image
    /// index (image-spec 1.1, "platform.variant") lists for ARM.
    /// </summary>
    /// <exception cref="InvalidDataException">The architecture is not one Debian releases.</exception>
    public static Platform ToPlatform(string architecture, string specPath)
    {
        (string Arch, string? Variant) oci = architecture switch
        {
            "amd64" => ("amd64", null),
            "arm64" => ("arm64", "v8"),
            "armhf" => ("arm", "v7"),
            "armel" => ("arm", "v5"),
            "i386" => ("386", null),
            "ppc64el" => ("ppc64le", null),
            "s390x" => ("s390x", null),
            "riscv64" => ("riscv64", null),
            "mips64el" => ("mips64le", null),
            _ => throw new InvalidDataException(
                $"The spec '{specPath}' lists the architecture '{architecture}', which is not a Debian "
                + "release architecture. Use names such as 'amd64' or 'arm64'."),
        };
        return new Platform { Os = "linux", Architecture = oci.Arch, Variant = oci.Variant };
    }
}
