using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.ClinicianPortal;
using Platform.Consent;
using Platform.Identity;
using Platform.Messaging.InProcess;
using Platform.RecordVault;
using Platform.ServiceDefaults;

namespace Platform.DevHost;

/// <summary>
/// Starts all four services in this process on their own loopback ports, sharing one in-process broker,
/// each with its own SQLite file under the data folder, and the clinician portal when it has a port.
/// </summary>
/// <param name="options">Ports, data folder, replicas.</param>
/// <param name="configureService">Tests only: a last say over one service's builder (by name), e.g. a test clock.</param>
public sealed class DevHostRunner(DevHostOptions options, Action<string, WebApplicationBuilder>? configureService = null) : IAsyncDisposable
{
    private readonly InProcessBroker _broker = new();

    // One deny-list for the whole process: a revocation event reaches one ledger replica, and all three must refuse the token.
    private readonly InMemoryRevokedTokens _revokedTokens = new(TimeProvider.System);
    private readonly List<(EmbeddedService Service, WebApplication App)> _running = [];
    private TracerProvider? _traces;
    private volatile IReadOnlyDictionary<int, string> _ports = new Dictionary<int, string>();

    public IReadOnlyList<EmbeddedService> Services { get; } =
    [
        new("identity", options.IdentityPort, IdentityService.Build),
        new("consent", options.ConsentPort, ConsentService.Build),
        new("record-vault", options.RecordVaultPort, RecordVaultService.Build),
        .. LedgerReplicaPlan.For(options),
        // The portal needs the identity service at a known address to sign in through: only with fixed ports.
        .. options.PortalPort is { } portalPort && options.IdentityPort != 0
            ? [new EmbeddedService("clinician-portal", portalPort, ClinicianPortalApp.Build, DevHostIdentity.PortalSettings(options))]
            : Array.Empty<EmbeddedService>(),
    ];

    /// <summary>The address each service listens on (resolved after start, so port 0 works for tests).</summary>
    public IReadOnlyDictionary<string, Uri> Addresses => _running.ToDictionary(
        r => r.Service.Name,
        r => r.App.GetListeningAddress());

    /// <summary>A running service's container (for tests and diagnostics).</summary>
    public IServiceProvider ServicesOf(string name) => _running.Single(r => r.Service.Name == name).App.Services;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        if (options.Traces)
        {
            _traces = DevHostTraces.Start(ServiceOnPort);
        }
        var publishers = await DevHostPublishers.LedgerSettingsAsync(options, cancellationToken);
        foreach (var service in Services)
        {
            var app = service.Build([], builder =>
            {
                Configure(builder, service);
                if (service.Name.StartsWith("ledger", StringComparison.Ordinal))
                {
                    builder.Configuration.AddInMemoryCollection(publishers);
                }
            });
            _running.Add((service, app));
        }
        // Every consumer group is known before any outbox publishes: an event sent before its reader has subscribed
        // waits for it rather than finding nobody.
        foreach (var (_, app) in _running)
        {
            // The clinician portal has no event bus of its own.
            if (app.Services.GetService<Platform.Messaging.SubscriptionRegistry>() is not null)
            {
                InProcessSubscriptions.Declare(app.Services);
            }
        }
        // Together: ledger replicas wait for each other to elect a leader.
        await Task.WhenAll(_running.Select(r => r.App.StartAsync(cancellationToken)));
        _ports = _running.ToDictionary(r => r.App.GetListeningAddress().Port, r => r.Service.Name);
    }

    private string? ServiceOnPort(int port) => _ports.GetValueOrDefault(port);

    /// <summary>Completes when any service stops (Ctrl+C or SIGTERM reach every one of them).</summary>
    public Task WaitForShutdownAsync() =>
        Task.WhenAny(_running.Select(r => r.App.WaitForShutdownAsync()));

    // Kestrel refuses a port of the system's choosing on "localhost" (two sockets, v4 and v6, could get different
    // ports): such a service (e.g. --portal-port 0) listens on the IPv4 loopback instead.
    private string ListenHost(int port) =>
        port == 0 && string.Equals(options.BindAddress, "localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : options.BindAddress;

    private void Configure(WebApplicationBuilder builder, EmbeddedService service)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://{ListenHost(service.Port)}:{service.Port}",
            ["Data:Directory"] = options.DataDirectory,
            ["Database:Provider"] = "Sqlite",
            // The dev host brings each SQLite file to the latest migration at start (deployments run `migrate` first).
            ["Database:ApplyMigrationsAtStart"] = "true",
            ["EventBus:Transport"] = "InProcess",
            // Development only: key files on disk, each service its own. Deployments use Pkcs11 or AzureKeyVault.
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = KeyDirectory(options, service.Name),
            // Beside its keys, each embedded service (each ledger replica too) its own Data Protection key ring: the
            // ring is wrapped with the service's KEK, which another replica does not have.
            ["DataProtection:Directory"] = Path.Combine(options.DataDirectory, "dataprotection", service.Name),
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            // --traces: log lines carry the trace and span ids (scopes), matching the spans on the console.
            ["Logging:Console:FormatterOptions:IncludeScopes"] = options.Traces ? "true" : "false",
        });
        builder.Configuration.AddInMemoryCollection(service.Name == "identity"
            ? DevHostIdentity.IdentitySettings(options)
            : DevHostIdentity.ResourceServiceSettings(options));
        if (service.Settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(service.Settings);
        }
        builder.Services.AddSingleton(_broker);
        builder.Services.AddSingleton<IRevokedTokens>(_revokedTokens);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        configureService?.Invoke(service.Name, builder);
    }

    /// <summary>Each embedded service keeps its software keys in its own folder, as separate pods would.</summary>
    public static string KeyDirectory(DevHostOptions options, string service) => Path.Combine(options.DataDirectory, "keys", service);

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, app) in Enumerable.Reverse(_running))
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        _running.Clear();
        await _broker.DisposeAsync();
        _traces?.Dispose();
    }
}
