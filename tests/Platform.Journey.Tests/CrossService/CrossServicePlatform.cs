using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Consent;
using Platform.DevHost;
using Platform.Identity;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Journey.Tests.Dapr;
using Platform.Ledger.Verification;
using Platform.RecordVault;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Dpop;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

[CollectionDefinition(Name)]
public sealed class CrossServiceCollection : ICollectionFixture<CrossServicePlatform>
{
    public const string Name = "cross-service over the Dapr harness";
}

/// <summary>
/// The four services hosted separately, as their pods would be: each its own WebApplication (the service's public
/// Build method, settings as the dev host gives them), its own loopback port, its own SQLite database and key folder,
/// <c>EventBus:Transport=Dapr</c> with its own sidecar from <see cref="DaprHarness"/>, API and app tokens on every
/// sidecar, and the record vault's consent decisions through Dapr service invocation (as charts/platform sets
/// RecordVault:ConsentUrl). One ledger replica. A service can be stopped and started again on the same port and data.
/// A derived fixture may run the ledger as a child process of its own instead (<see cref="LedgerProcessPlatform"/>), so
/// that it can be killed with SIGKILL under its sidecar.
/// </summary>
public class CrossServicePlatform : IAsyncLifetime
{
    public static readonly string[] AppIds = ["identity", "consent", "record-vault", "ledger"];

    private readonly Dictionary<string, HostedApp> _apps = new(StringComparer.Ordinal);
    private readonly bool _ledgerAsProcess;

    public CrossServicePlatform()
        : this(ledgerAsProcess: false)
    {
    }

    /// <param name="ledgerAsProcess">Run the ledger as <c>dotnet Platform.Ledger.dll</c> (a real process) rather than in this one.</param>
    protected CrossServicePlatform(bool ledgerAsProcess) => _ledgerAsProcess = ledgerAsProcess;
    private readonly Dictionary<string, (string Api, string App)> _tokens = new(StringComparer.Ordinal);

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("platform-cross-service-").FullName;

    public DaprHarness Dapr { get; } = new(DaprComponents.Load(), new DaprHarnessOptions
    {
        // resiliency.yaml's retry count with test-sized intervals.
        RetryInitialInterval = TimeSpan.FromMilliseconds(40),
        RetryMaxInterval = TimeSpan.FromMilliseconds(300),
        DeliveryTimeout = TimeSpan.FromSeconds(20),
    });

    /// <summary>The demo clinician of README (TOTP secret public by design); one instance so TOTP steps are never reused.</summary>
    public TestAccount DemoClinician { get; } = new("", "clinician@demo.local", "demo-clinician-password", Base32.Decode(AccountSeeder.DemoTotpSecret));

    public Uri AddressOf(string appId) => new($"http://127.0.0.1:{_apps[appId].Port}/");

    public IServiceProvider ServicesOf(string appId) =>
        _apps[appId].App?.Services ?? throw new InvalidOperationException($"{appId} is stopped.");

    public bool IsRunning(string appId) => _apps[appId] is { App: not null } or { Process.IsRunning: true };

    /// <summary>Extra settings of every service (a derived fixture's test-sized timings); applied over the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        var ports = FreePort.Allocate(5);
        var options = new DevHostOptions(DataDirectory, ports[0].Port, ports[1].Port, ports[2].Port, ports[3].Port, "127.0.0.1",
            LedgerReplicas: 1, LedgerRaftPort: ports[4].Port);
        var issuer = $"http://127.0.0.1:{options.IdentityPort}/";

        var sidecars = new Dictionary<string, DaprSidecarHost>();
        foreach (var appId in AppIds)
        {
            var tokens = (Api: $"api-token-{appId}-{Guid.NewGuid():N}", App: $"app-token-{appId}-{Guid.NewGuid():N}");
            _tokens[appId] = tokens;
            sidecars[appId] = await Dapr.StartSidecarAsync(appId, apiToken: tokens.Api, appToken: tokens.App);
        }

        var ledger = LedgerReplicaPlan.For(options).Single();
        var publishers = await DevHostPublishers.LedgerSettingsAsync(options, CancellationToken.None);
        var resource = DevHostIdentity.ResourceServiceSettings(options);
        resource["Authentication:Authority"] = issuer;
        resource["Consent:LedgerUrl"] = $"http://127.0.0.1:{options.LedgerPort}/";
        // As charts/platform sets it: the decision goes through the vault's own sidecar (Dapr service invocation).
        resource["RecordVault:ConsentUrl"] = new Uri(sidecars["record-vault"].Endpoint, "v1.0/invoke/consent/method/").AbsoluteUri;

        var identity = DevHostIdentity.IdentitySettings(options);
        identity["Identity:Issuer"] = issuer;

        Add("identity", options, options.IdentityPort, IdentityService.Build, sidecars, identity);
        Add("consent", options, options.ConsentPort, ConsentService.Build, sidecars, resource);
        Add("record-vault", options, options.RecordVaultPort, RecordVaultService.Build, sidecars, resource);
        Add("ledger", options, options.LedgerPort, ledger.Build, sidecars,
            new Dictionary<string, string?>(resource.Concat(ledger.Settings!).Concat(publishers))
            {
                ["Ledger:BlockInterval"] = "00:00:00.050",
            });

        // Identity first: the others fetch its metadata when the first token arrives.
        await StartAsync("identity");
        await Task.WhenAll(AppIds.Skip(1).Select(StartAsync));
        await WaitForLedgerLeaderAsync();
        Dapr.Observe("identity.verified.v1");
    }

    private void Add(string appId, DevHostOptions options, int port, Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        Dictionary<string, DaprSidecarHost> sidecars, IDictionary<string, string?> serviceSettings)
    {
        var data = Path.Combine(DataDirectory, appId);
        Directory.CreateDirectory(data);
        var sidecar = sidecars[appId];
        var settings = new Dictionary<string, string?>(serviceSettings)
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Data:Directory"] = data,
            ["Database:Provider"] = "Sqlite",
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = DevHostRunner.KeyDirectory(options, appId),
            ["EventBus:Transport"] = "Dapr",
            ["EventBus:PubSubName"] = "pubsub",
            ["EventBus:AppApiToken"] = AppTokenOf(appId),
            ["DAPR_HTTP_ENDPOINT"] = sidecar.Endpoint.AbsoluteUri,
            ["DAPR_API_TOKEN"] = ApiTokenOf(appId),
            ["EventBus:Outbox:PollInterval"] = "00:00:00.050",
            ["EventBus:Outbox:InitialRetryDelay"] = "00:00:00.100",
            ["EventBus:Outbox:MaxRetryDelay"] = "00:00:00.500",
            ["RateLimiting:per-client:PermitLimit"] = "100000",
            ["RateLimiting:sensitive:PermitLimit"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }
        _apps[appId] = new HostedApp(appId, port, build, settings);
    }

    /// <summary>daprd's DAPR_API_TOKEN of an app's sidecar (the app sends it on publish and invocation).</summary>
    public string ApiTokenOf(string appId) => _tokens[appId].Api;

    /// <summary>daprd's APP_API_TOKEN (the sidecar sends it to the app; EventBus:AppApiToken).</summary>
    public string AppTokenOf(string appId) => _tokens[appId].App;

    /// <summary>Starts (or restarts) a service on its port and data, then lets its sidecar read its subscriptions.</summary>
    public async Task StartAsync(string appId)
    {
        var hosted = _apps[appId];
        if (IsRunning(appId))
        {
            throw new InvalidOperationException($"{appId} already runs.");
        }
        if (_ledgerAsProcess && appId == "ledger")
        {
            if (hosted.Process is { } exited)
            {
                await exited.DisposeAsync();
            }
            hosted.Process = await ServiceProcess.StartAsync(ServiceProcess.Binary("services", "Ledger", "Platform.Ledger"), hosted.Settings,
                hosted.Settings["Data:Directory"]!, AddressOf(appId), TimeSpan.FromSeconds(90));
            await Dapr.AttachAppAsync(appId, AddressOf(appId));
            return;
        }
        var app = hosted.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(hosted.Settings);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        });
        await app.StartAsync();
        hosted.App = app;
        await Dapr.AttachAppAsync(appId, AddressOf(appId));
    }

    /// <summary>Stops a service (its sidecar's consumer groups keep what arrives meanwhile).</summary>
    public async Task StopAsync(string appId)
    {
        var hosted = _apps[appId];
        Dapr.DetachApp(appId);
        if (hosted.App is { } app)
        {
            hosted.App = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
        if (hosted.Process is { } process)
        {
            hosted.Process = null;
            await process.DisposeAsync();
        }
    }

    /// <summary>
    /// SIGKILL of a service that runs as a process. Its sidecar is not told: like daprd without app health checks
    /// (the chart enables none), it goes on delivering, sees refused connections, retries and dead-letters.
    /// </summary>
    public async Task KillAsync(string appId)
    {
        var process = _apps[appId].Process ?? throw new InvalidOperationException($"{appId} does not run as a process.");
        await process.KillAsync();
    }

    /// <summary>The last lines of a service process's output (for failure messages); empty for in-process services.</summary>
    public string OutputTail(string appId) => _apps[appId].Process?.OutputTail() ?? "";

    public async Task WaitForLedgerLeaderAsync()
    {
        using var client = new HttpClient { BaseAddress = AddressOf("ledger") };
        var last = "(no answer)";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await client.GetStringAsync("/cluster/status");
                var status = JsonDocument.Parse(last).RootElement;
                if (status.GetProperty("isLeader").GetBoolean())
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(50);
        }
        Assert.Fail("The ledger replica did not lead within 60 s; last status: " + last);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var appId in AppIds.Reverse())
        {
            await StopAsync(appId);
        }
        await Dapr.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a handle for a moment; temp is cleaned by the OS.
        }
    }

    // ---- Actors of the journey ----------------------------------------------------------------------------------

    /// <summary>A fresh patient account (no second factor: patients do not need one).</summary>
    public Task<TestAccount> NewPatientAsync() => TestAccounts.CreateAsync(ServicesOf("identity"), PlatformRoles.Patient, enrolTotp: false);

    public Task<TestAccount> NewClinicianAsync() => TestAccounts.CreateAsync(ServicesOf("identity"), PlatformRoles.Clinician);

    /// <summary>
    /// Signs a clinician in through the portal client (code + PKCE, TOTP when enrolled; the token bound to
    /// <see cref="Dpop"/>); returns access and id token.
    /// </summary>
    public async Task<(string AccessToken, string IdToken)> SignInAsync(TestAccount account, string scope)
    {
        using var session = new FormSession(AddressOf("identity"));
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(account, scope, Dpop);
        return (tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("id_token").GetString()!);
    }

    /// <summary>
    /// Signs a patient in through the dev host's public <c>platform-cli</c> client (bearer tokens): patients do not use
    /// the clinician portal, and the identity service's own APIs (KYC) take bearer tokens only.
    /// </summary>
    public async Task<(string AccessToken, string IdToken)> SignInAsPatientAsync(TestAccount account, string scope)
    {
        using var session = new FormSession(AddressOf("identity"));
        var tokens = await new CodeFlow(session).SignInThroughClientAsync(DevHostIdentity.CliClientId, DevHostIdentity.CliRedirectUri, account, scope);
        return (tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("id_token").GetString()!);
    }

    /// <summary>A clean KYC application (passport with correct check digits and an image) that the engine approves automatically.</summary>
    public async Task<JsonElement> PassKycAsync(string kycToken, string given, string family)
    {
        using var client = Client("identity", kycToken);
        using var started = await client.PostAsync("/kyc/cases", null);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var application = JsonSerializer.SerializeToNode(KycApplications.Application(given, family, "C" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1984, 3, 9)))!.AsObject();
        application["documentImage"] = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0]);
        application["documentImageType"] = "image/jpeg";
        using var submitted = await client.PostAsJsonAsync($"/kyc/cases/{id}/evidence", application);
        return await submitted.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// A client for one service with the token; a DPoP-bound one goes with a proof per request (the identity service's
    /// own APIs refuse a bound token: sign patients in with <see cref="SignInAsPatientAsync"/> for those).
    /// </summary>
    public HttpClient Client(string appId, string? token = null)
    {
        var client = DpopClients.Create(AddressOf(appId), token, Dpop);
        client.Timeout = TimeSpan.FromSeconds(100); // HttpClient's default, as before
        if (token is not null && appId == "identity")
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>The journeys' DPoP key: the dev host's clinician-portal client binds every token to one (RFC 9449).</summary>
    public DpopProofKey Dpop { get; } = new();

    public async Task<(System.Net.HttpStatusCode Status, JsonElement Body, string? MediaType)> CallAsync(
        string appId, HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var client = Client(appId, token);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        JsonElement body = default;
        if (text.Length > 0 && mediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }
        return (response.StatusCode, body, mediaType);
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static StringContent Observation(string marker) => new(
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}],"
        + "\"text\":\"" + marker + "\"},\"valueQuantity\":{\"value\":72,\"unit\":\"beats/minute\"}}",
        Encoding.UTF8, "application/fhir+json");

    public async Task<IReadOnlyList<ReplicaKey>> LedgerKeysAsync()
    {
        using var client = Client("ledger");
        return (await client.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
    }

    /// <summary>Every entry of the ledger's log, read as an auditor (entries are private): leaf index and the signed event's eventId (when it has one).</summary>
    public async Task<IReadOnlyList<(long LeafIndex, Guid? EventId)>> LedgerEntriesAsync()
    {
        using var client = Client("ledger", await Platform.Journey.Tests.DevHost.LedgerAuditor.TokenAsync(Client("identity").BaseAddress!));
        var size = (await client.GetFromJsonAsync<JsonElement>("/cluster/status")).GetProperty("treeSize").GetInt64();
        var entries = new List<(long, Guid?)>();
        for (long i = 0; i < size; i++)
        {
            var entry = await client.GetFromJsonAsync<JsonElement>($"/entries/{i}");
            Guid? eventId = null;
            if (entry.TryGetProperty("signedEvent", out var jws) && jws.ValueKind == JsonValueKind.String && jws.GetString()!.Split('.').Length == 3)
            {
                var payload = Jwt.Payload(jws.GetString()!);
                if (payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("eventId", out var id) && id.TryGetGuid(out var guid))
                {
                    eventId = guid;
                }
            }
            entries.Add((i, eventId));
        }
        return entries;
    }

    private sealed class HostedApp(string appId, int port, Func<string[], Action<WebApplicationBuilder>, WebApplication> build, IReadOnlyDictionary<string, string?> settings)
    {
        public string AppId { get; } = appId;
        public int Port { get; } = port;
        public Func<string[], Action<WebApplicationBuilder>, WebApplication> Build { get; } = build;
        public IReadOnlyDictionary<string, string?> Settings { get; } = settings;
        public WebApplication? App { get; set; }
        public ServiceProcess? Process { get; set; }
    }
}
