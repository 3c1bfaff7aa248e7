using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Platform.ClinicianPortal.SignIn;
using Platform.DevHost;
using Platform.Identity.Testing;
using Platform.ServiceDefaults.Dpop;
using Platform.Testing;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// The dev host as users run it, clinician portal included (identity, consent, record vault, one ledger replica and the
/// portal, each on a free loopback port), with the consent service on a <see cref="ShiftedClock"/> so a test can step
/// past a consent's end, and one headless Chromium (the distribution's, as the other browser tests) for the pages.
/// </summary>
public sealed class PortalPlatform : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _data = Directory.CreateTempSubdirectory("platform-portal-").FullName;
    private IPlaywright? _playwright;

    public ShiftedClock ConsentClock { get; } = new();

    /// <summary>The tests' own DPoP key: the dev host's clinician-portal client binds every token to one (RFC 9449).</summary>
    public DpopProofKey Dpop { get; } = new();

    public DevHostRunner Host { get; private set; } = null!;

    public DevHostOptions Options { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri Portal => new($"http://localhost:{Options.PortalPort}/");

    public Uri Consent => new($"http://localhost:{Options.ConsentPort}/");

    public Uri Identity => new($"http://localhost:{Options.IdentityPort}/");

    public Uri RecordVault => new($"http://localhost:{Options.RecordVaultPort}/");

    public IServiceProvider IdentityServices => Host.ServicesOf("identity");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The portal tests need Chromium at {ChromiumPath}: run tests/run.sh, or install it (Debian: apt-get install chromium).");
        }
        var ports = FreePort.Allocate(6).Select(p => p.Port).ToArray();
        Options = new DevHostOptions(_data, ports[0], ports[1], ports[2], ports[3], "127.0.0.1", LedgerReplicas: 1, LedgerRaftPort: ports[4], PortalPort: ports[5]);
        Host = new DevHostRunner(Options, (service, builder) =>
        {
            if (service == "identity")
            {
                // Every sign-in of every test comes from 127.0.0.1: the sign-in pages' budget (10 a minute per address) is for attackers.
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimiting:sensitive:PermitLimit"] = "1000" });
            }
            if (service == "consent")
            {
                // Before the service's own TryAdd of the system clock, so decisions and expiry read this one.
                builder.Services.AddSingleton<TimeProvider>(ConsentClock);
            }
        });
        await Host.StartAsync(CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies: one person) and page.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new() { Locale = locale });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        return (context, await context.NewPageAsync());
    }

    /// <summary>An access token for the account through the code flow (the tests' own setup steps, not the pages under test).</summary>
    public async Task<string> TokenAsync(TestAccount account, string scope)
    {
        using var session = new FormSession(Identity);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, scope, Dpop)).GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// The access token of the portal session the browser <paramref name="page"/> holds: the portal's cookie names a
    /// server-side ticket (SignIn/ServerSideTickets.cs), read here from the portal's own services.
    /// </summary>
    public async Task<string> PortalSessionAccessTokenAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var cookie = Assert.Single(await page.Context.CookiesAsync([Portal.AbsoluteUri]), c => c.Name == "platform.portal");
        var services = Host.ServicesOf("clinician-portal");
        var format = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalSignIn.CookieScheme).TicketDataFormat;
        var pointer = format.Unprotect(cookie.Value) ?? throw new InvalidOperationException("The portal's cookie does not unprotect.");
        var key = pointer.Principal.FindFirst(SessionIdClaim)?.Value ?? throw new InvalidOperationException("The portal's cookie names no server-side ticket.");
        var ticket = await services.GetRequiredService<ITicketStore>().RetrieveAsync(key) ?? throw new InvalidOperationException("The portal has no ticket for the session.");
        return ticket.Properties.GetTokenValue("access_token") ?? throw new InvalidOperationException("The portal's session holds no access token.");
    }

    /// <summary>The portal's DPoP key (the singleton its API calls and code exchange prove with).</summary>
    public DpopProofKey PortalDpopKey => Host.ServicesOf("clinician-portal").GetRequiredService<DpopProofKey>();

    /// <summary>The claim a cookie pointing at a server-side ticket carries (ASP.NET Core's CookieAuthenticationHandler).</summary>
    private const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    /// <summary>The patient stores an Observation in the vault; returns its id.</summary>
    public async Task<string> CreateObservationAsync(TestAccount patient, string patientToken, string text)
    {
        using var http = Client(RecordVault, patientToken);
        using var content = new StringContent("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"" + text + "\"}}", Encoding.UTF8, "application/fhir+json");
        using var response = await http.PostAsync($"patients/{patient.Id}/records", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The patient's access log in the vault (the API the patient portal shows).</summary>
    public async Task<JsonElement> AccessLogAsync(TestAccount patient, string patientToken)
    {
        using var http = Client(RecordVault, patientToken);
        using var response = await http.GetAsync($"patients/{patient.Id}/access-log");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private HttpClient Client(Uri service, string token) => DpopClients.Create(service, token, Dpop);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
        Dpop.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
