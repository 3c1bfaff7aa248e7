using Platform.ServiceDefaults;

namespace Platform.RecordVault.Access;

/// <summary>
/// The consent service could not decide (no answer in time, unreachable, a 5xx or 429 after the retries, an open
/// circuit, an answer that is not a decision): 503 problem+json with Retry-After and code <c>consent_unavailable</c>,
/// as a key provider outage is answered. The request was fine and may succeed later, so it is neither a 500 nor a
/// 403 the caller would take as "no consent". The refusal is audited before this is thrown.
/// </summary>
public sealed class ConsentUnavailableException(string reason) : DependencyUnavailableException("The consent service is unavailable.",
    $"No consent decision could be obtained ({reason}), so nothing was read or written. Retry after the time in the Retry-After header.", Code)
{
    public const string Code = "consent_unavailable";

    /// <summary>The audited reason, e.g. <c>consent_service_timeout</c>.</summary>
    public string Reason { get; } = reason;
}
