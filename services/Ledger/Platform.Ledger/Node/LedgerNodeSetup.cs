using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Crypto;
using Platform.Ledger.Blocks;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Node;

/// <summary>Registers this replica: options, state machine, Raft replica, block closing, signing and key registration.</summary>
public static class LedgerNodeSetup
{
    public static WebApplicationBuilder AddLedgerNode(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LedgerNodeOptions>()
            .Bind(builder.Configuration.GetSection("Ledger"))
            .PostConfigure(o => ApplyDefaults(o, builder.Configuration))
            .Validate(o => o.Replicas.Count(r => r.Name == o.ReplicaName) == 1, "Ledger:ReplicaName must name exactly one of Ledger:Replicas.")
            .Validate(o => o.Replicas.Count == 1 || !string.IsNullOrEmpty(o.ClusterToken), "Ledger:ClusterToken is required with more than one replica.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<LedgerNodeOptions>>().Value;
            return new LedgerState(new LedgerOptions
            {
                LedgerId = builder.Configuration["Ledger:LedgerId"] ?? new LedgerOptions().LedgerId,
                ReplicaCount = node.Replicas.Count,
            });
        });
        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<LedgerNodeOptions>>().Value;
            var state = sp.GetRequiredService<LedgerState>();
            var options = new ReplicaOptions
            {
                DataDirectory = Path.Combine(node.DataDirectory, "raft"),
                RaftEndPoint = node.Self.ResolveRaftEndPoint(),
                Members = node.Replicas.Select(r => r.ResolveRaftEndPoint()).ToArray(),
            };
            return new RaftReplica(options, (index, command, _) =>
            {
                state.Apply(index, command.Span);
                return ValueTask.CompletedTask;
            }, sp.GetRequiredService<ILoggerFactory>());
        });
        services.AddHostedService<RaftReplicaHostedService>();
        services.AddHttpClient<LeaderForwarder>(c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<LedgerNode>();
        services.AddSingleton<ReplicaSigningKey>();
        services.AddHostedService<KeyRegistration>();
        services.AddHostedService<CheckpointSigner>();
        services.AddHostedService<BlockCloser>();
        services.AddHealthChecks().AddCheck<RaftHealthCheck>("raft", tags: [HealthTags.Ready]);
        return builder;
    }

    // A lone replica needs no configuration: it is its own majority on a default loopback port.
    private static void ApplyDefaults(LedgerNodeOptions options, IConfiguration configuration)
    {
        if (options.Replicas.Count == 0)
        {
            options.Replicas.Add(new ReplicaEndpoint { Name = options.ReplicaName, RaftEndPoint = "127.0.0.1:5204" });
        }
        if (configuration["Ledger:DataDirectory"] is null)
        {
            options.DataDirectory = Path.Combine(Path.GetFullPath(configuration["Data:Directory"] ?? "data"), "ledger", options.ReplicaName);
        }
    }
}

/// <summary>
/// Ready only while a leader is known: a replica that has not (re)joined a majority cannot commit, and a rollout
/// that took it as ready would restart the next replica and lose the quorum. The headless Service publishes
/// not-ready addresses, so peers still find it.
/// </summary>
public sealed class RaftHealthCheck(RaftReplica replica) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(replica.Leader is not null
            ? HealthCheckResult.Healthy(replica.IsLeader ? "This replica leads." : "A leader is known.")
            : HealthCheckResult.Unhealthy("No leader is known; writes wait for an election or a majority."));
}
