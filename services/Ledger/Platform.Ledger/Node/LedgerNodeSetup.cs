using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
            .Validate(o => o.Replicas.Count == 1 || o.Consortium.IsConfigured || !string.IsNullOrEmpty(o.ClusterToken),
                "Ledger:ClusterToken is required with more than one replica (a consortium's replicas forward with their Raft TLS certificate instead).")
            .Validate(o => o.SnapshotInterval >= 0, "Ledger:SnapshotInterval must be 0 (never) or a positive number of log entries.")
            .Validate(o => o.RaftRequestTimeout > TimeSpan.Zero, "Ledger:RaftRequestTimeout must be positive.")
            .Validate(o => o.InitialMembers >= 0 && o.InitialMembers <= o.Replicas.Count, "Ledger:InitialMembers must be between 0 (all) and the number of Ledger:Replicas.")
            .Validate(o => !o.RaftTls.IsPartlyConfigured, "Ledger:RaftTls needs all of CertificateFile, KeyFile and AuthorityFile.")
            .Validate(o => o.Replicas.Count == 1 || o.RaftTls.IsConfigured || o.RaftTls.Disabled,
                "Ledger:RaftTls (CertificateFile, KeyFile, AuthorityFile) is required with more than one replica; set Ledger:RaftTls:Disabled=true to run Raft in plaintext on a network trusted otherwise.")
            .Validate(o => !(o.RaftTls.IsConfigured && o.RaftTls.Disabled), "Ledger:RaftTls: files given and Disabled=true contradict each other.")
            .Validate(o => !o.Consortium.IsConfigured || string.IsNullOrWhiteSpace(o.RaftTls.AuthorityFile),
                "Ledger:RaftTls:AuthorityFile and Ledger:Consortium:File contradict each other: a consortium's replicas trust the member institutions' CAs from the consortium file.")
            .Validate(o => !o.Consortium.IsConfigured || !o.RaftTls.Disabled,
                "A consortium's replicas are run by different institutions: Ledger:RaftTls:Disabled is not allowed with Ledger:Consortium:File.")
            .Validate(o => o.GroupCommit.MaxEvents >= 1 && o.GroupCommit.MaxInFlight >= 1 && o.GroupCommit.Linger >= TimeSpan.Zero,
                "Ledger:GroupCommit needs MaxEvents and MaxInFlight of at least 1 and a Linger that is not negative.")
            .Validate(o => o.GroupCommit.MaxBytes is >= 16 * 1024 and <= 1024 * 1024,
                "Ledger:GroupCommit:MaxBytes must be between 16 KiB (two events at the 8 KiB limit) and 1 MiB (the largest Raft command).")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<LedgerNodeOptions>>().Value;
            return LocalConsortium.Load(node.Consortium.File, sp.GetRequiredService<LedgerState>().Options.LedgerId, node.ReplicaName);
        });
        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<LedgerNodeOptions>>().Value;
            return new LedgerState(new LedgerOptions
            {
                LedgerId = builder.Configuration["Ledger:LedgerId"] ?? new LedgerOptions().LedgerId,
                // Checkpoints are final at a majority of the founding replicas, and of every replica that registered a
                // key since (LedgerState counts both), so replicas added later raise the bar as they join.
                ReplicaCount = node.Founders.Count,
            });
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReplicaDirectory>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Ledger:Consortium:File"]))
        {
            // The members' CAs, from the configuration in force on the ledger (the file until it is founded).
            services.AddSingleton<ConsortiumPeerTrust>();
        }
        services.AddSingleton(sp => new HostsFileResolver(sp.GetRequiredService<IOptions<LedgerNodeOptions>>().Value.HostsFile));
        services.AddSingleton<LedgerReplicaFactory>();
        services.AddSingleton(sp => sp.GetRequiredService<LedgerReplicaFactory>().Create());
        services.AddHostedService<RaftReplicaHostedService>();
        services.AddHttpClient<LeaderForwarder>(c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // The leader's ApiUrl names it; resolve that name per connection, the way Raft does, and do not
                // keep a pooled connection to an address the name may have left.
                ConnectCallback = sp.GetRequiredService<HostsFileResolver>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            });
        services.AddSingleton<LedgerNode>();
        services.AddSingleton<ReplicaSigningKey>();
        services.AddHostedService<KeyRegistration>();
        services.AddHostedService<CheckpointSigner>();
        services.AddHostedService<BlockCloser>();
        services.AddHostedService<ConsortiumMembership>();
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
        options.RaftTls.AuthoritiesFromConsortium = options.Consortium.IsConfigured;
        if (configuration["Ledger:DataDirectory"] is null)
        {
            options.DataDirectory = Path.Combine(Path.GetFullPath(configuration["Data:Directory"] ?? "data"), "ledger", options.ReplicaName);
        }
    }
}
