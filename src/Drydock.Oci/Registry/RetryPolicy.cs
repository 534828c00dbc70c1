namespace Drydock.Oci.Registry;

/// <summary>
/// How often and how long to retry a registry request after 408, 429, a 5xx status other than
/// 501, or a connection reset: exponential backoff with jitter, or the registry's
/// <c>Retry-After</c> when it gives one.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Five attempts, starting at 500 ms and doubling up to 30 s between attempts.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>Attempts in total, the first one included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The delay before the second attempt; it doubles for each further attempt.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts. A longer <c>Retry-After</c> ends the retries.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Returns the wait before attempt <paramref name="attempt"/> + 1, or null when no further
    /// attempt should be made.
    /// </summary>
    public TimeSpan? DelayBefore(int attempt, TimeSpan? retryAfter)
    {
        if (attempt >= MaxAttempts)
        {
            return null;
        }

        if (retryAfter is { } requested)
        {
            return requested <= MaxDelay ? requested : null;
        }

        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);

        // Up to 20 % jitter keeps many clients that failed together from retrying together.
        var jitter = 1 + (Random.Shared.NextDouble() * 0.2);
        return TimeSpan.FromMilliseconds(Math.Min(capped * jitter, MaxDelay.TotalMilliseconds));
    }
}
