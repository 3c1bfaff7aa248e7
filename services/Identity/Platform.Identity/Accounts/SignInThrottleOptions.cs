namespace Platform.Identity.Accounts;

/// <summary>
/// <c>Identity:SignInThrottle:*</c>. Wrong passwords for one account from one source are free up to
/// <see cref="FreeFailures"/>; each further one doubles the wait before that source may try that account again,
/// from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>. A success, or <see cref="ForgetAfter"/> without
/// failures, starts over.
/// </summary>
public sealed class SignInThrottleOptions
{
    public int FreeFailures { get; set; } = 3;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(24);
}
