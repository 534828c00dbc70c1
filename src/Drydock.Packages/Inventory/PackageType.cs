namespace Drydock.Packages.Inventory;

/// <summary>The package format of an installed package, after the database that lists it.</summary>
public enum PackageType
{
    /// <summary>A Debian package listed by dpkg.</summary>
    Deb,

    /// <summary>An Alpine package listed by apk.</summary>
    Apk,

    /// <summary>An RPM package listed by the rpm database.</summary>
    Rpm,
}
