using System.Net;
using Drydock.Oci.Registry;

namespace Drydock.Oci.Tests.Registry;

public sealed class LinkLocalTests
{
    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("2001:db8::1", false)]
    public void IsLinkLocal(string address, bool expected) =>
        Assert.Equal(expected, RegistryClient.IsLinkLocal(IPAddress.Parse(address)));
}
