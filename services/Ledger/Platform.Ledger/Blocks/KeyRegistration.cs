using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Node;

namespace Platform.Ledger.Blocks;

/// <summary>
/// Puts keys into the log once a leader exists: this replica's checkpoint key, and (on the leader) the configured
/// publisher keys. Keys live in the log so every replica verifies against exactly the same set.
/// </summary>
/// <remarks>
/// In a consortium the replica keys are the founding configuration's: the leader appends the founding entry (its
/// institution's copy of the configuration) and no replica registers a key of its own; a replica whose key is not in
/// the founded configuration says so in its log and never signs.
/// </remarks>
public sealed partial class KeyRegistration(LedgerNode node, ReplicaSigningKey signingKey, LocalConsortium consortium, IOptions<LedgerNodeOptions> options, ILogger<KeyRegistration> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var key = await signingKey.GetAsync(stoppingToken);
        var jwk = key.GetPublicJwk();
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                if (consortium.Configuration is { } founding)
                {
                    if (node.State.Consortium is null && node.Replica.IsLeader)
                    {
                        await node.AppendAsync(new FoundConsortium(founding), stoppingToken);
                    }
                    var agreed = System.Text.Json.JsonSerializer.Serialize(founding);
                    if (node.State.Consortium is not null && !node.State.Configurations.Any(c => System.Text.Json.JsonSerializer.Serialize(c) == agreed))
                    {
                        LogConsortiumDiffers(logger);
                    }
                    else if (node.State.Consortium is not null && !node.State.HasReplicaKey(node.ReplicaName, jwk.Kid))
                    {
                        LogKeyNotInConsortium(logger, node.ReplicaName, jwk.Kid);
                    }
                }
                else if (!node.State.HasReplicaKey(node.ReplicaName, jwk.Kid))
                {
                    await node.AppendAsync(new RegisterReplicaKey(node.ReplicaName, jwk), stoppingToken);
                }
                if (node.Replica.IsLeader)
                {
                    foreach (var publisher in options.Value.Publishers.Where(p => p.Jwk is not null && !node.State.HasPublisherKey(p.Jwk.Kid)))
                    {
                        await node.AppendAsync(new RegisterPublisherKey(publisher.Issuer, publisher.Jwk!), stoppingToken);
                    }
                }
                // Leadership can move; keep checking at a slow pace so a new leader registers configured keys too.
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRegistrationFailed(logger, attempt, ex.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * attempt)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The consortium founded on this ledger differs from Ledger:Consortium:File (and no configuration it reached by votes equals it); this replica follows the ledger's and signs no checkpoint")]
    private static partial void LogConsortiumDiffers(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replica {Replica}'s checkpoint key {Kid} is not in the consortium's configuration: its signatures will not count")]
    private static partial void LogKeyNotInConsortium(ILogger logger, string replica, string kid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Registering keys failed (attempt {Attempt}, {ErrorType}); retrying")]
    private static partial void LogRegistrationFailed(ILogger logger, int attempt, string errorType);
}
