using Microsoft.Extensions.Options;
using Platform.Crypto;
using Platform.Ledger.Node;

namespace Platform.Ledger.Blocks;

/// <summary>This replica's checkpoint-signing key, named after the replica, from the configured key provider (HSM in production).</summary>
public sealed class ReplicaSigningKey(IKeyProvider keys, IOptions<LedgerNodeOptions> options)
{
    public Task<ISigningKey> GetAsync(CancellationToken cancellationToken) =>
        keys.GetSigningKeyAsync(options.Value.ReplicaName, cancellationToken);
}
