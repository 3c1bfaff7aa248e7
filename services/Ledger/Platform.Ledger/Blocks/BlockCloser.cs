using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Node;

namespace Platform.Ledger.Blocks;

/// <summary>
/// On the leader, closes a block every <see cref="LedgerNodeOptions.BlockInterval"/> when entries arrived since the
/// last checkpoint. The close is itself a log entry, so every replica computes the same tree head at the same point.
/// </summary>
/// <remarks>A consortium's ledger takes no checkpoint before its founding entry: the first one is signed by members.</remarks>
public sealed partial class BlockCloser(LedgerNode node, TimeProvider time, LocalConsortium consortium, IOptions<LedgerNodeOptions> options, ILogger<BlockCloser> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.BlockInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!node.Replica.IsLeader || node.State.TreeSize == node.State.LastCheckpointSize
                || (consortium.Configuration is not null && node.State.Consortium is null))
            {
                continue;
            }
            try
            {
                await node.AppendAsync(new CloseBlock(time.GetUtcNow().ToUnixTimeMilliseconds()), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogCloseFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing a block failed ({ErrorType}); the next tick tries again")]
    private static partial void LogCloseFailed(ILogger logger, string errorType);
}
