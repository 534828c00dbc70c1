using Drydock.Images.Tests.Patch;
using Drydock.Images.Verify;
using Drydock.Oci.Transports;

namespace Drydock.Images.Tests.Verify;

/// <summary><c>--run</c> on the patch test image, which has the openssl binary.</summary>
public sealed class VerifyRunTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    [Fact]
    public async Task Run_PrintsOpensslVersion()
    {
        fixture.Require();
        await using var source = ImageTransports.OpenSource(fixture.Image, fixture.Options);

        var report = await new ImageVerifier().VerifyAsync(
            source, new VerifyOptions { RunCommand = "openssl version" }, TestContext.Current.CancellationToken);

        Assert.NotNull(report.Run);
        Assert.Equal(0, report.Run.ExitCode);
        Assert.StartsWith("OpenSSL 3.0.", report.Run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.ChecksumMismatch);
        Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.UnmetDependency);
    }
}
