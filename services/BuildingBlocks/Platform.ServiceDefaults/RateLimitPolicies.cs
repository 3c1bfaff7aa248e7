namespace Platform.ServiceDefaults;

/// <summary>Names of the rate-limit policies endpoints opt into with <c>RequireRateLimiting(name)</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>Ordinary API traffic, partitioned by authenticated subject, else by client address.</summary>
    public const string PerClient = "per-client";

    /// <summary>Endpoints where guessing is cheap (passwords, one-time codes, break-glass): a much smaller budget.</summary>
    public const string Sensitive = "sensitive";
}
