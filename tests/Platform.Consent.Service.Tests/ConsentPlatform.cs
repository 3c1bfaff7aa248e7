using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Trace;
using Platform.Consent;
using Platform.Consent.Consents;
using Platform.Crypto.Software;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.Ledger;
using Platform.Ledger.Node;
using Platform.Ledger.Verification;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// The consent service with what it works with: the real identity provider (tokens), a one-replica ledger
/// (commits and receipts) and an in-process broker between them, each on its own loopback port.
/// </summary>
public sealed class ConsentPlatform : IAsyncLifetime
{
    private readonly string _consentKeys = Directory.CreateTempSubdirectory("consent-keys-").FullName;

    public const string PagesSecret = "consent-pages-secret-0123456789abcdefghij";

    public int ConsentPort { get; private set; }

    public InProcessBroker Broker { get; } = new(new InProcessBrokerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(100) });
    public IdentityServer Identity { get; private set; } = null!;
    public ServiceUnderTest Ledger { get; private set; } = null!;

    /// <summary>The ledger's static auditor token, which the consent service's rebuild presents.</summary>
    public const string LedgerAuditToken = "test-ledger-auditor-token";
    public ServiceUnderTest Consent { get; private set; } = null!;

    private readonly List<IAsyncDisposable> _observers = [];

    /// <summary>
    /// The spans the consent host's tracer provider exports. Its instrumentation listens process-wide, so spans of the
    /// other hosts in this process (identity, ledger, other fixtures) arrive here too.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity> ExportedSpans { get; } = new();

    /// <summary>Events seen on the bus by a test observer: (topic, JSON payload).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Topic, string Payload)> Observed { get; } = new();

    public async Task InitializeAsync()
    {
        foreach (var topic in new[] { "consent.break-glass.v1", "consent.granted.v1", "consent.revoked.v1", "consent.expired.v1" })
        {
            _observers.Add(Broker.Subscribe(topic, "test-observer", topic + ".deadletter", (message, _) =>
            {
                Observed.Enqueue((topic, System.Text.Encoding.UTF8.GetString(message.Payload.Span)));
                return Task.FromResult(Platform.Messaging.DispatchOutcome.Success);
            }));
        }
        ConsentPort = FreePort.Next();
        // The consent pages sign patients in as a confidential client of their own.
        Identity = await IdentityServer.StartAsync(new ClientDefinition
        {
            ClientId = "consent-pages",
            Type = ClientTypes.Confidential,
            ClientSecret = PagesSecret,
            ConsentType = ClientConsentTypes.Implicit,
            GrantTypes = ["authorization_code"],
            RedirectUris = [$"http://127.0.0.1:{ConsentPort}/signin-oidc"],
            Scopes = ["openid", "roles"],
        }.ToSettings(5),
            // On the same bus: its revocation events (identity.token-revoked) reach the consent service.
            builder => builder.Services.AddSingleton(Broker));
        var authority = Identity.BaseAddress.AbsoluteUri;
        using (var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _consentKeys }, NullLogger<SoftwareKeyProvider>.Instance))
        {
            var jwk = (await keys.GetSigningKeyAsync(ConsentEventSigner.KeyName, CancellationToken.None)).GetPublicJwk();
            var settings = PublisherSettings.For(0, "consent", jwk);
            settings["Keys:Provider"] = "Software";
            settings["Ledger:Replicas:0:Name"] = "ledger-0";
            settings["Ledger:Replicas:0:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}";
            settings["Ledger:BlockInterval"] = "00:00:00.050";
            settings["Ledger:AuditorTokens:consent"] = LedgerAuditToken;
            Ledger = await ServiceUnderTest.StartAsync(LedgerService.Build, settings, builder => builder.Services.AddSingleton(Broker));
        }
        Consent = await ServiceUnderTest.StartAsync(ConsentService.Build, new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = _consentKeys,
            ["Urls"] = $"http://127.0.0.1:{ConsentPort}",
            ["Consent:Pages:ClientSecret"] = PagesSecret,
            ["Authentication:Authority"] = authority,
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["Consent:BreakGlass:PermitsPerWindow"] = "2",
            ["Consent:LedgerUrl"] = Ledger.Client.BaseAddress!.AbsoluteUri,
            // Entries are private; the rebuild reads them as an auditor.
            ["Consent:LedgerAuditToken"] = LedgerAuditToken,
            ["RateLimiting:per-client:PermitLimit"] = "100000",
            // The span recorder below is an exporter configuration cannot see: record the traces this host starts.
            [Platform.ServiceDefaults.TraceSampling.SampleRatioKey] = "1",
            // Tests run receipt reconciliation rounds themselves (ReceiptReconciliationTests).
            ["Receipts:FirstRoundDelay"] = "01:00:00",
        }, builder =>
        {
            builder.Services.AddSingleton(Broker);
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(new SpanRecorder(ExportedSpans))));
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var observer in _observers)
        {
            await observer.DisposeAsync();
        }
        await Consent.DisposeAsync();
        await Ledger.DisposeAsync();
        await Identity.DisposeAsync();
        await Broker.DisposeAsync();
        try
        {
            Directory.Delete(_consentKeys, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A second consent service beside the fixture's, on its own keys in <paramref name="keyDirectory"/>, trusting the
    /// same identity service; <paramref name="settings"/> add to or replace its settings (another ledger, none).
    /// </summary>
    public Task<ServiceUnderTest> StartOtherConsentAsync(string keyDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = keyDirectory,
            ["Consent:Pages:ClientSecret"] = PagesSecret,
            ["Authentication:Authority"] = Identity.BaseAddress.AbsoluteUri,
            ["Authentication:RequireHttpsMetadata"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return ServiceUnderTest.StartAsync(ConsentService.Build, all);
    }

    /// <summary>A fresh patient and a consent.manage token for them.</summary>
    public async Task<(TestAccount Account, string Token)> PatientAsync()
    {
        var patient = await TestAccounts.CreateAsync(Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        return (patient, await UserTokenAsync(patient));
    }

    public async Task<string> UserTokenAsync(TestAccount account, string scope = "openid consent.manage records")
    {
        using var session = new FormSession(Identity.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, scope)).GetProperty("access_token").GetString()!;
    }

    /// <summary>A fresh clinician (second factor enrolled) and their access token for the record vault, as the vault would forward it.</summary>
    public async Task<(TestAccount Account, string Token)> ClinicianAsync(string scope = "openid records")
    {
        var clinician = await TestAccounts.CreateAsync(Identity.Service.Services, PlatformRoles.Clinician);
        return (clinician, await UserTokenAsync(clinician, scope));
    }

    /// <summary>A client-credentials token for the platform's service client (consent.decide, ledger.submit).</summary>
    public async Task<string> ServiceTokenAsync(string scope = "consent.decide")
    {
        using var session = new FormSession(Identity.BaseAddress);
        var (_, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }, IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        return body.GetProperty("access_token").GetString()!;
    }

    public async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string? token, object? body = null, string? auditReason = null,
        string? subjectToken = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (subjectToken is not null)
        {
            request.Headers.TryAddWithoutValidation(Platform.ServiceDefaults.SubjectToken.Header, subjectToken);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (auditReason is not null)
        {
            request.Headers.Add("X-Audit-Reason", auditReason);
        }
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }
        using var response = await Consent.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The patient (by <paramref name="token"/>) grants a practitioner a consent; returns its id.</summary>
    public async Task<string> GrantAsync(string token, string grantee, string[] categories, string[] purposes, DateTimeOffset? validUntil = null)
    {
        var (status, consent) = await CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = grantee },
            categories,
            purposes,
            validUntil,
        });
        Assert.True(status == System.Net.HttpStatusCode.Created, consent.ToString());
        return consent.GetProperty("id").GetString()!;
    }

    /// <summary>A service's decision (200 asserted) on a practitioner's read of one category for one purpose.</summary>
    public async Task<JsonElement> DecideAsync(string serviceToken, string subject, string actor, string category, string purpose)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/decisions", serviceToken, new
        {
            subject, actor, actorKind = "practitioner", category, purpose,
        });
        Assert.True(status == System.Net.HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<IReadOnlyList<ReplicaKey>> LedgerKeysAsync() =>
        (await Ledger.Client.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
}
