using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.DevHost;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// The dev host as users run it (all four services in one process, SQLite, one ledger replica, the dev host's own
/// clients and settings), with one account of every kind signed in through the real code flow, and the resources
/// the attacks aim at: a patient's record, a consent from that patient to a clinician, and the patient's KYC case.
/// </summary>
public sealed class SecurityPlatform : IAsyncLifetime
{
    /// <summary>Every user principal asks for every API scope: what stops it must be its role, not a missing scope.</summary>
    public const string AllScopes = "openid roles records consent.manage identity.admin kyc";

    private readonly string _data = Directory.CreateTempSubdirectory("platform-security-").FullName;
    private readonly List<FormSession> _browsers = [];
    private int _nextSource = 10;

    public DevHostRunner Host { get; private set; } = null!;
    public DevHostOptions Options { get; private set; } = null!;

    /// <summary>Each kind of caller by its column name in AccessMatrix.md.</summary>
    public Dictionary<string, Principal> Principals { get; } = new(StringComparer.Ordinal);

    public string RecordId { get; private set; } = "";
    public string ConsentId { get; private set; } = "";
    public string KycCaseId { get; private set; } = "";

    /// <summary>Studies the <see cref="PrincipalKinds.Researcher"/> represents that no export may start from, for the export route's corpus.</summary>
    public ResearchTargets.ResearcherStudyIds ResearcherStudies { get; private set; } = null!;

    /// <summary>A consent of the patient's that only the bad-input corpus aims at (narrow, revoke).</summary>
    public string CorpusConsentId { get; private set; } = "";

    public string DataDirectory => _data;

    public Principal Patient => Principals[PrincipalKinds.Patient];
    public Principal Admin => Principals[PrincipalKinds.Admin];

    public async Task InitializeAsync()
    {
        var ports = FreePort.Allocate(5).Select(p => p.Port).ToArray();
        Options = new DevHostOptions(_data, ports[0], ports[1], ports[2], ports[3], "127.0.0.1", LedgerReplicas: 1, LedgerRaftPort: ports[4]);
        // The deployments' static ledger administrator token, read from the environment as the chart passes it
        // (Ledger__AdminToken): only the governance corpus presents it (PrincipalKinds.LedgerAdminToken).
        var ledgerAdminToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Environment.SetEnvironmentVariable("Ledger__AdminToken", ledgerAdminToken);
        Host = new DevHostRunner(Options);
        await Host.StartAsync(CancellationToken.None);
        Principals[PrincipalKinds.LedgerAdminToken] = new Principal(PrincipalKinds.LedgerAdminToken, null, ledgerAdminToken, null);

        Principals[PrincipalKinds.Anonymous] = new Principal(PrincipalKinds.Anonymous, null, null, null);
        foreach (var (kind, role) in new[]
                 {
                     (PrincipalKinds.Patient, PlatformRoles.Patient), (PrincipalKinds.OtherPatient, PlatformRoles.Patient),
                     (PrincipalKinds.Clinician, PlatformRoles.Clinician), (PrincipalKinds.ClinicianWithoutConsent, PlatformRoles.Clinician),
                     (PrincipalKinds.Reviewer, PlatformRoles.KycReviewer), (PrincipalKinds.Admin, PlatformRoles.Admin),
                 })
        {
            Principals[kind] = await SignInAsync(kind, role, AllScopes);
        }
        var patient = Principals[PrincipalKinds.Patient];
        Principals[PrincipalKinds.PatientWithoutScopes] = await SignInAsync(PrincipalKinds.PatientWithoutScopes, patient.Account!, "openid");
        Principals[PrincipalKinds.ServiceDecide] = new Principal(PrincipalKinds.ServiceDecide, null, await ServiceTokenAsync("consent.decide"), null);
        Principals[PrincipalKinds.ServiceSubmit] = new Principal(PrincipalKinds.ServiceSubmit, null, await ServiceTokenAsync("ledger.submit"), null);
        var researcher = await TestAccounts.CreateAsync(Host.ServicesOf("identity"), PlatformRoles.Patient, enrolTotp: true);
        Principals[PrincipalKinds.Researcher] = await SignInAsync(PrincipalKinds.Researcher, researcher, "openid research.export");
        ResearcherStudies = await ResearchTargets.OfRepresentativeAsync(this, researcher.Id);
        Principals[PrincipalKinds.ForgedAdmin] = new Principal(PrincipalKinds.ForgedAdmin, null, ForgedAdminToken(Principals[PrincipalKinds.Admin].Token!), null);

        RecordId = await CreateRecordAsync(patient);
        ConsentId = await GrantAsync(patient, Principals[PrincipalKinds.Clinician].Account!.Id);
        CorpusConsentId = await GrantAsync(patient, "corpus-grantee-0001");
        using var kyc = await SendAsync("identity", HttpMethod.Post, "/kyc/cases", patient);
        KycCaseId = (await ReadJsonAsync(kyc, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    private Task<MatrixResult>? _matrix;

    /// <summary>The matrix walked once, shared by the authorization and the header checks.</summary>
    public Task<MatrixResult> MatrixAsync() => _matrix ??= MatrixRunner.RunAsync(this, AccessTable.Load());

    public Uri Address(string service) => new($"http://localhost:{service switch
    {
        "identity" => Options.IdentityPort,
        "consent" => Options.ConsentPort,
        "record-vault" => Options.RecordVaultPort,
        "ledger" => Options.LedgerPort,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Not a service of the dev host."),
    }}/");

    /// <summary>
    /// A browser of its own, connecting from its own loopback address: the sign-in pages allow 10 requests a minute
    /// per address, and every principal signs in through them.
    /// </summary>
    public FormSession NewBrowser()
    {
        var source = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _nextSource)}");
        var browser = new FormSession(Address("identity"), source);
        _browsers.Add(browser);
        return browser;
    }

    public async Task<Principal> SignInAsync(string kind, string role, string scope)
    {
        var account = await TestAccounts.CreateAsync(Host.ServicesOf("identity"), role, enrolTotp: role != PlatformRoles.Patient);
        return await SignInAsync(kind, account, scope);
    }

    private async Task<Principal> SignInAsync(string kind, TestAccount account, string scope)
    {
        var browser = NewBrowser();
        // The command-line client: bearer tokens, so the matrix probes each service's authorization, not DPoP (the
        // clinician portal's client requires DPoP; DpopTests and PortalDpopTests cover that).
        var token = (await new CodeFlow(browser).SignInThroughClientAsync(DevHostIdentity.CliClientId, CliRedirect, account, scope))
            .GetProperty("access_token").GetString()!;
        return new Principal(kind, account, token, browser);
    }

    /// <summary>The admin's own token with its header replaced by <c>{"alg":"none"}</c> and its signature dropped.</summary>
    private static string ForgedAdminToken(string adminToken)
    {
        var parts = adminToken.Split('.');
        var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        return $"{header}.{parts[1]}.";
    }

    private const string CliRedirect = "http://127.0.0.1:8400/callback";

    public async Task<string> ServiceTokenAsync(string scope)
    {
        using var browser = new FormSession(Address("identity"));
        var (status, body) = await new CodeFlow(browser).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope },
            DevHostIdentity.ServiceClientId, DevHostIdentity.ServiceClientSecret);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>A FHIR Observation (category observation) stored by the patient; returns its id.</summary>
    public async Task<string> CreateRecordAsync(Principal patient)
    {
        using var created = await SendAsync("record-vault", HttpMethod.Post, $"/patients/{patient.Account!.Id}/records", patient, Observation("seed"));
        return (await ReadJsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    /// <summary>A consent from the patient to the grantee: observations, for treatment, read and write.</summary>
    public async Task<string> GrantAsync(Principal patient, string grantee)
    {
        using var granted = await SendAsync("consent", HttpMethod.Post, "/consents", patient, JsonContent.Create(new
        {
            grantee = new { kind = "practitioner", id = grantee },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
            actions = new[] { "access", "correct" },
        }));
        return (await ReadJsonAsync(granted, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public static StringContent Observation(string text) =>
        new("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"" + text + "\"}}", Encoding.UTF8, "application/fhir+json");

    /// <summary>An Observation for the FHIR API, which files it under the patient its subject names (and, to update, carries its id).</summary>
    public static StringContent FhirObservation(string patient, string text, string? id = null) =>
        new("{\"resourceType\":\"Observation\"," + (id is null ? "" : "\"id\":\"" + id + "\",")
            + "\"status\":\"final\",\"code\":{\"text\":\"" + text + "\"},\"subject\":{\"reference\":\"Patient/" + patient + "\"}}",
            Encoding.UTF8, "application/fhir+json");

    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    /// <summary>Sends a request to a service as the principal (its bearer token; none for anonymous).</summary>
    public Task<HttpResponseMessage> SendAsync(string service, HttpMethod method, string path, Principal principal, HttpContent? content = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Address(service), path)) { Content = content };
        // A body over the limit is refused before it is read: without 100-continue the client would still be writing it
        // when the server answers 413 and closes, and see a broken pipe instead of the answer.
        request.Headers.ExpectContinue = content is not null;
        if (principal.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", principal.Token);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return Http.SendAsync(request);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        foreach (var browser in _browsers)
        {
            browser.Dispose();
        }
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a handle a moment longer; the temporary folder is the OS's to clean then.
        }
    }
}
