using Drydock.Oci.Registry;

namespace Drydock.Oci.Tests.Registry;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy _policy = new()
    {
        MaxAttempts = 4,
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public void DelayBefore_grows_exponentially_up_to_max()
    {
        Assert.InRange(_policy.DelayBefore(1, null)!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        Assert.InRange(_policy.DelayBefore(2, null)!.Value, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
        Assert.Equal(TimeSpan.FromSeconds(3), _policy.DelayBefore(3, null));
    }

    [Fact]
    public void DelayBefore_stops_after_max_attempts()
    {
        Assert.Null(_policy.DelayBefore(4, null));
    }

    [Fact]
    public void DelayBefore_honours_retry_after()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), _policy.DelayBefore(1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void DelayBefore_gives_up_on_long_retry_after()
    {
        Assert.Null(_policy.DelayBefore(1, TimeSpan.FromMinutes(5)));
    }
}
