using Platform.Ledger.Verification;

namespace Platform.Ledger.Core;

/// <summary>
/// A ledger run by a consortium of institutions: the founding entry makes the members' configuration the ledger's
/// first configuration state. Every replica decides from the entry alone, so all of them agree on whether it took
/// effect; a replica whose own configuration differs finds out by comparing (<see cref="Consortium"/>).
/// </summary>
public sealed partial class LedgerState
{
    /// <summary>The consortium founded on this ledger, or null (one operator, or not founded yet).</summary>
    public ConsortiumConfiguration? Consortium
    {
        get
        {
            lock (_gate)
            {
                return _consortium;
            }
        }
    }

    // Under _gate. Only as the first configuration state: before any checkpoint was taken (so no checkpoint was ever
    // final under the replica-key rule) and only once. Anything else is ignored, identically on every replica.
    private void Found(ConsortiumConfiguration configuration)
    {
        if (_consortium is not null || _checkpoints.Count > 0 || configuration.Problem() is not null
            || configuration.LedgerId != Options.LedgerId)
        {
            return;
        }
        _consortium = configuration;
        _configurations.Add(configuration);
        // The members' keys replace whatever replicas registered before: from now on only they sign.
        _replicaKeys = [.. configuration.Keys];
    }
}
