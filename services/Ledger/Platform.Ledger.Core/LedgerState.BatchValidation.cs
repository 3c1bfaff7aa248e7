using Platform.SignedEvents;

namespace Platform.Ledger.Core;

/// <summary>
/// Validating a group-commit batch across cores. Each replica checks every event of a batch it applies (its checkpoint
/// signature vouches for what it applied); the checks are independent, so they run in parallel, each on a pooled
/// verifier of the publisher's key (<see cref="PublisherKey"/>). Idempotency and the tree are decided afterwards, in
/// batch order, under the lock.
/// </summary>
public sealed partial class LedgerState
{
    // Below this many events the cost of fanning out exceeds the verifications saved.
    private const int ParallelValidationThreshold = 8;

    private SignedEventValidation[] ValidateBatch(IReadOnlyList<string> signedEvents)
    {
        var keys = Volatile.Read(ref _publisherKeys);
        var validations = new SignedEventValidation[signedEvents.Count];
        if (signedEvents.Count < ParallelValidationThreshold)
        {
            for (var i = 0; i < validations.Length; i++)
            {
                validations[i] = ValidateForApply(signedEvents[i], keys);
            }
            return validations;
        }
        Parallel.For(0, validations.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => validations[i] = ValidateForApply(signedEvents[i], keys));
        return validations;
    }

    // An event this replica checked on submit moments ago (see Validate) skips the signature only; every other check runs.
    private SignedEventValidation ValidateForApply(string signedEvent, System.Collections.Immutable.ImmutableDictionary<string, PublisherKey> keys) =>
        SignedEventValidator.Validate(signedEvent, kid => keys.GetValueOrDefault(kid), _verifiedHere.TryRemove(signedEvent, out _));
}
