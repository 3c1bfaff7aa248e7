using Platform.ServiceDefaults;

namespace Platform.Consent.Consents;

/// <summary>
/// The ledger could not be read for a projection rebuild (no answer in time, unreachable, a failure after the retries,
/// an open circuit, an answer that is not a checkpoint or an entry): 503 <c>ledger_unavailable</c> with Retry-After.
/// Nothing was compared or written.
/// </summary>
public sealed class LedgerUnavailableException(string reason) : DependencyUnavailableException("The ledger is unavailable.",
    $"The ledger could not be read ({reason}), so nothing was rebuilt. Retry after the time in the Retry-After header.", Code)
{
    public const string Code = "ledger_unavailable";
}
