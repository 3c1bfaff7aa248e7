using System.Buffers.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Crypto;
using Platform.Ledger.Core;
using Platform.Ledger.Node;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Blocks;

/// <summary>
/// Signs every checkpoint this replica computed with its own key and sends the signature through the log. Work is
/// queued, so replaying a long log after a restart does not re-sign checkpoints that are final by then.
/// </summary>
/// <remarks>
/// In a consortium a replica signs only once the consortium founded on the ledger is the one its institution agreed
/// to (its <c>Ledger:Consortium:File</c>), or reached it by governance votes (an institution that joined later holds
/// the configuration that admitted it): an honest institution never endorses a membership it did not accept.
/// </remarks>
public sealed partial class CheckpointSigner(LedgerNode node, ReplicaSigningKey signingKey, LocalConsortium consortium, ILogger<CheckpointSigner> logger)
    : BackgroundService
{
    private readonly Channel<Checkpoint> _closed = Channel.CreateUnbounded<Checkpoint>(new UnboundedChannelOptions { SingleReader = true });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        node.State.BlockClosed += OnBlockClosed;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        node.State.BlockClosed -= OnBlockClosed;
        return base.StopAsync(cancellationToken);
    }

    private void OnBlockClosed(Checkpoint checkpoint) => _closed.Writer.TryWrite(checkpoint);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var checkpoint in _closed.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; NeedsMySignature(checkpoint); attempt++)
            {
                try
                {
                    var key = await signingKey.GetAsync(stoppingToken);
                    // A signature is only counted once the log knows this replica's key; until then, wait.
                    if (node.State.HasReplicaKey(node.ReplicaName, key.KeyId) && FoundedAsAgreed())
                    {
                        var signature = await key.SignAsync(checkpoint.SigningBytes(), stoppingToken);
                        await node.AppendAsync(new SignCheckpoint(checkpoint.TreeSize, node.ReplicaName, key.KeyId, Base64Url.EncodeToString(signature)), stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogSignFailed(logger, checkpoint.TreeSize, attempt, ex.GetType().Name);
                }
                // Committed on the leader does not mean applied here yet: look again after a pause.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * attempt)), stoppingToken);
            }
        }
    }

    private string? _agreed;

    private bool FoundedAsAgreed()
    {
        if (consortium.Configuration is not { } local)
        {
            return true;
        }
        _agreed ??= System.Text.Json.JsonSerializer.Serialize(local);
        // The founding one, or (for an institution that joined later) one the consortium reached by its own votes.
        return node.State.Configurations.Any(c => System.Text.Json.JsonSerializer.Serialize(c) == _agreed);
    }

    // Done when this replica's signature is in, the checkpoint is final, or a newer checkpoint is final already.
    private bool NeedsMySignature(Checkpoint checkpoint) =>
        !node.State.HasSigned(checkpoint.TreeSize, node.ReplicaName)
        && (node.State.LatestFinalCheckpoint()?.Checkpoint.TreeSize ?? 0) < checkpoint.TreeSize;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing the checkpoint at size {TreeSize} failed (attempt {Attempt}, {ErrorType}); retrying")]
    private static partial void LogSignFailed(ILogger logger, long treeSize, int attempt, string errorType);
}
