using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Ledger.Replication;

public static class RaftReplicaServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="RaftReplica"/> singleton and the hosted service that starts and stops it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Builds the replica options (typically from configuration).</param>
    /// <param name="apply">Builds the state machine's apply callback; it runs on the WAL's applier, never concurrently.</param>
    public static IServiceCollection AddRaftReplica(
        this IServiceCollection services,
        Func<IServiceProvider, ReplicaOptions> options,
        Func<IServiceProvider, ApplyCommand> apply)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(apply);

        services.AddSingleton(sp => new RaftReplica(options(sp), apply(sp), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<RaftReplicaHostedService>();
        return services;
    }
}
