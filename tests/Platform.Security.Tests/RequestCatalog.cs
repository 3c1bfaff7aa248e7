using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Security.Tests;

/// <summary>A request to send as some principal: the path (placeholders filled), and the body and headers it needs.</summary>
public sealed record MatrixRequest(string Path, HttpContent? Body = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// How to call each endpoint of AccessMatrix.md: a request that would succeed for a caller the endpoint allows,
/// aimed at the seeded patient's resources. Destructive calls (erase, revoke, delete a client) get a fresh target
/// per call, so one principal's success never changes what the next one meets.
/// </summary>
public static class RequestCatalog
{
    public delegate Task<MatrixRequest> Factory(SecurityPlatform platform, Principal caller);

    private static readonly Dictionary<string, string> Treatment = new() { ["X-Purpose-Of-Use"] = "TREAT" };

    /// <summary>Admins act on consents only with a stated reason; everyone else's calls ignore it.</summary>
    private static readonly Dictionary<string, string> Reason = new() { ["X-Audit-Reason"] = "matrix check, ticket 17" };

    public static IReadOnlyDictionary<EndpointKey, Factory> Requests { get; } = Build();

    /// <summary>
    /// Calls that change keys every other call depends on; asked after all the rest. A rotated identity key used to be
    /// refused for up to five minutes by services that had fetched the JWKS shortly before (fixed: the next key is
    /// staged, docs/security.md "Signing-key rotation refused fresh tokens"); they stay last so that a regression
    /// there cannot disturb the other cells.
    /// </summary>
    public static readonly IReadOnlySet<EndpointKey> RunLast = new HashSet<EndpointKey>
    {
        new("identity", "POST", "/admin/signing-keys/rotate"),
        new("record-vault", "POST", "/admin/keys/rotate"),
    };

    private static Task<MatrixRequest> Path(string path, HttpContent? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        Task.FromResult(new MatrixRequest(path, body, headers));

    private static JsonContent Json(object value) => JsonContent.Create(value);

    private static Dictionary<EndpointKey, Factory> Build()
    {
        var requests = new Dictionary<EndpointKey, Factory>();
        void Add(string service, string method, string route, Factory factory) => requests.Add(new EndpointKey(service, method, route), factory);
        void Plain(string service, string method, string route) => Add(service, method, route, (_, _) => Path(route));

        foreach (var service in EndpointInventory.Services)
        {
            Plain(service, "GET", "/");
            // Health checks answer every method (MapHealthChecks): asked with GET.
            Plain(service, "*", "/health/live");
            Plain(service, "*", "/health/ready");
            Add(service, "GET", "/openapi/{documentName}.json", (_, _) => Path("/openapi/v1.json"));
        }
        Plain("identity", "GET", "/assets/kyc-credential.js");
        Plain("identity", "GET", "/assets/kyc-mrz.js");
        // The design system (Platform.WebUi), served by every service with pages.
        foreach (var service in new[] { "identity", "consent", "record-vault" })
        {
            Add(service, "GET", "/assets/nhsuk/{file}", (_, _) => Path("/assets/nhsuk/nhsuk-frontend.min.css"));
            Add(service, "GET", "/assets/web-ui/{file}", (_, _) => Path("/assets/web-ui/platform.css"));
        }

        // identity: OpenID Connect (asked without parameters: a protocol error, or the caller's own claims)
        foreach (var method in new[] { "GET", "POST" })
        {
            Add("identity", method, "/connect/authorize", (_, _) => Path("/connect/authorize"));
            Add("identity", method, "/connect/userinfo", (_, _) => Path("/connect/userinfo"));
            Add("identity", method, "/connect/endsession", (_, _) => Path("/connect/endsession"));
        }
        foreach (var endpoint in new[] { "/connect/token", "/connect/introspect", "/connect/revoke", "/connect/par" })
        {
            Add("identity", "POST", endpoint, (_, _) => Path(endpoint, new FormUrlEncodedContent([])));
        }
        // Back-Channel Logout receivers of the patient pages: the logout token is the credential, so everyone is let
        // in and a request without one is refused on its content (400, OpenID Connect Back-Channel Logout 1.0 §2.8).
        foreach (var service in new[] { "consent", "record-vault" })
        {
            Add(service, "POST", "/backchannel-logout", (_, _) => Path("/backchannel-logout", new FormUrlEncodedContent([])));
        }
        Plain("identity", "GET", "/.well-known/openid-configuration");
        Plain("identity", "GET", "/.well-known/jwks");
        Plain("identity", "GET", "/.well-known/jwt-vc-issuer");
        Plain("identity", "GET", "/credentials/status-list");
        Add("identity", "POST", "/credentials/revoke", (p, _) =>
            Path("/credentials/revoke", Json(new { userId = p.Principals[PrincipalKinds.OtherPatient].Account!.Id, reason = "matrix_check" })));
        Add("identity", "POST", "/credentials/verified-identity", (_, _) => Path("/credentials/verified-identity", Json(new { proof = "not-a-proof" })));
        Plain("identity", "GET", "/.well-known/openid-credential-issuer");
        Add("identity", "POST", "/credentials/nonce", (_, _) => Path("/credentials/nonce"));
        Add("identity", "POST", "/credentials/offers", (_, _) => Path("/credentials/offers"));
        Add("identity", "GET", "/credentials/offers/{id}", (_, _) => Path("/credentials/offers/no-such-offer-0123456789"));
        Add("identity", "POST", "/credentials/issue", (_, _) => Path("/credentials/issue",
            Json(new { credential_configuration_id = "verified_identity_sd_jwt", proofs = new { jwt = new[] { "not-a-proof" } } })));
        Add("identity", "POST", "/credentials/notification", (_, _) => Path("/credentials/notification",
            Json(new { notification_id = "no-such-notification", @event = "credential_accepted" })));

        // identity: the admin API
        Plain("identity", "GET", "/admin/clients");
        Add("identity", "GET", "/admin/clients/{clientId}", (_, _) => Path("/admin/clients/clinician-portal"));
        Add("identity", "PUT", "/admin/clients/{clientId}", (_, caller) => Path($"/admin/clients/matrix-{caller.Kind}", Json(MatrixClient())));
        Add("identity", "DELETE", "/admin/clients/{clientId}", async (p, _) => new MatrixRequest($"/admin/clients/{await FreshClientAsync(p)}"));
        Add("identity", "POST", "/admin/users/{userId}/activate-clinician", (p, _) =>
            Path($"/admin/users/{p.Principals[PrincipalKinds.ClinicianWithoutConsent].Account!.Id}/activate-clinician"));
        Plain("identity", "POST", "/admin/signing-keys/rotate");
        // A fresh account each time: revoking a principal's sessions would revoke its token for the rest of the matrix.
        Add("identity", "POST", "/admin/users/{userId}/sessions/revoke", async (p, _) =>
            new MatrixRequest($"/admin/users/{(await TestAccounts.CreateAsync(p.Host.ServicesOf("identity"), PlatformRoles.Patient, enrolTotp: false)).Id}/sessions/revoke"));

        // identity: KYC (the patient's case)
        Plain("identity", "POST", "/kyc/cases");
        Add("identity", "POST", "/kyc/cases/{id}/evidence", (p, _) => Path($"/kyc/cases/{p.KycCaseId}/evidence", Json(new { givenNames = "" })));
        Add("identity", "GET", "/kyc/cases/{id}/evidence", (p, _) => Path($"/kyc/cases/{p.KycCaseId}/evidence"));
        Add("identity", "GET", "/kyc/cases/{id}", (p, _) => Path($"/kyc/cases/{p.KycCaseId}"));
        Plain("identity", "GET", "/kyc/review");
        Add("identity", "POST", "/kyc/cases/{id}/decision", (p, _) =>
            Path($"/kyc/cases/{p.KycCaseId}/decision", Json(new { decision = "approve", reason = "matrix check" })));

        // consent
        Plain("consent", "GET", "/codes");
        Add("consent", "POST", "/decisions", (p, _) => Path("/decisions", Json(new
        {
            subject = p.Patient.Account!.Id,
            actor = p.Principals[PrincipalKinds.Clinician].Account!.Id,
            actorKind = "practitioner",
            category = "observation",
            purpose = "TREAT",
            actorIsClinician = true,
            action = "access",
        })));
        Add("consent", "POST", "/decisions/patients", (p, _) => Path("/decisions/patients", Json(new
        {
            actor = p.Principals[PrincipalKinds.Clinician].Account!.Id,
            actorKind = "practitioner",
            purpose = "TREAT",
        })));
        Add("consent", "POST", "/admin/projection/rebuild", (_, _) => Path("/admin/projection/rebuild?apply=false", null, Reason));
        Add("consent", "GET", "/consents", (p, _) => Path($"/consents?subject={p.Patient.Account!.Id}", null, Reason));
        Add("consent", "POST", "/consents", (p, _) => Path("/consents", Json(new
        {
            subject = p.Patient.Account!.Id,
            grantee = new { kind = "practitioner", id = "matrix-" + Guid.NewGuid().ToString("N") },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        }), Reason));
        Add("consent", "GET", "/consents/{id}", (p, _) => Path($"/consents/{p.ConsentId}", null, Reason));
        Add("consent", "GET", "/consents/{id}/fhir", (p, _) => Path($"/consents/{p.ConsentId}/fhir", null, Reason));
        Add("consent", "PATCH", "/consents/{id}", async (p, _) =>
            new MatrixRequest($"/consents/{await p.GrantAsync(p.Patient, "matrix-" + Guid.NewGuid().ToString("N"))}",
                Json(new { actions = new[] { "access" } }), Reason));
        Add("consent", "POST", "/consents/{id}/revoke", async (p, _) =>
            new MatrixRequest($"/consents/{await p.GrantAsync(p.Patient, "matrix-" + Guid.NewGuid().ToString("N"))}/revoke", Json(new { }), Reason));

        Add("consent", "GET", "/consents/notices", (_, _) => Path("/consents/notices"));

        // consent: grants on a patient's behalf (four eyes). The suite has one admin, who proposes every target: its
        // approval is that admin's own, which must be refused (self_approval); a second admin is the only way through.
        Add("consent", "POST", "/admin/consent-proposals", (p, _) => Path("/admin/consent-proposals", Proposal(p), OnBehalfReason));
        Add("consent", "GET", "/admin/consent-proposals", (_, _) => Path("/admin/consent-proposals", null, OnBehalfReason));
        Add("consent", "GET", "/admin/consent-proposals/{id}", async (p, _) =>
            new MatrixRequest($"/admin/consent-proposals/{await ProposeAsync(p)}", null, OnBehalfReason));
        Add("consent", "POST", "/admin/consent-proposals/{id}/approve", async (p, _) =>
            new MatrixRequest($"/admin/consent-proposals/{await ProposeAsync(p)}/approve", Json(new { }), OnBehalfReason));
        Add("consent", "POST", "/admin/consent-proposals/{id}/reject", async (p, _) =>
            new MatrixRequest($"/admin/consent-proposals/{await ProposeAsync(p)}/reject", Json(new { }), OnBehalfReason));

        // consent: clinicians' requests for access, answered by the patient. Targets ask for immunizations (the seeded
        // record is an observation), so an approval never lets clinician-no-consent read what the other rows aim at.
        Add("consent", "POST", "/access-requests", (_, _) => Path("/access-requests", Json(new
        {
            patient = "matrix-" + Guid.NewGuid().ToString("N"),
            categories = new[] { "immunization" },
            purposes = new[] { "TREAT" },
            durationMinutes = 60,
        })));
        Add("consent", "GET", "/access-requests", (_, _) => Path("/access-requests"));
        // Reading changes nothing: one target for every principal, so the clinician stays under the cap on unanswered requests.
        Add("consent", "GET", "/access-requests/{id}", async (p, _) =>
            new MatrixRequest($"/access-requests/{await ReadTargets.GetValue(p, platform => AccessRequestAsync(platform, PrincipalKinds.Clinician))}"));
        Add("consent", "POST", "/access-requests/{id}/approve", async (p, _) =>
            new MatrixRequest($"/access-requests/{await AccessRequestAsync(p, PrincipalKinds.ClinicianWithoutConsent)}/approve", Json(new { })));
        Add("consent", "POST", "/access-requests/{id}/decline", async (p, _) =>
            new MatrixRequest($"/access-requests/{await AccessRequestAsync(p, PrincipalKinds.Clinician)}/decline", Json(new { })));
        Add("consent", "GET", "/clinicians/me/consents", (_, _) => Path("/clinicians/me/consents"));

        // consent: research organisations and studies (docs/research.md). Targets belong to a representative who is no
        // principal; registering asks with valid details, so only who the caller is decides.
        Add("consent", "POST", "/research/organisations", (_, _) => Path("/research/organisations", Json(new
        {
            legalName = "Matrix Research Ltd",
            registrationNumber = "MATRIX-2",
            country = "GB",
            registeredAddress = "2 Matrix Street",
        })));
        Add("consent", "GET", "/research/organisations", (_, _) => Path("/research/organisations"));
        Add("consent", "GET", "/research/organisations/{id}", async (p, _) =>
            new MatrixRequest($"/research/organisations/{(await ResearchTargets.VerifiedWithStudyAsync(p)).Organisation}"));
        Add("consent", "POST", "/research/organisations/{id}/verify", async (p, _) =>
            new MatrixRequest($"/research/organisations/{await ResearchTargets.PendingAsync(p)}/verify", Json(new { })));
        Add("consent", "POST", "/research/organisations/{id}/reject", async (p, _) =>
            new MatrixRequest($"/research/organisations/{await ResearchTargets.PendingAsync(p)}/reject", Json(new { reason = "matrix check" })));
        Add("consent", "POST", "/research/organisations/{id}/studies", async (p, _) =>
            new MatrixRequest($"/research/organisations/{(await ResearchTargets.VerifiedWithStudyAsync(p)).Organisation}/studies", Json(MatrixStudy())));
        Add("consent", "GET", "/research/organisations/{id}/studies", async (p, _) =>
            new MatrixRequest($"/research/organisations/{(await ResearchTargets.VerifiedWithStudyAsync(p)).Organisation}/studies"));
        Add("consent", "GET", "/research/studies/{id}", async (p, _) =>
            new MatrixRequest($"/research/studies/{(await ResearchTargets.VerifiedWithStudyAsync(p)).Study}"));
        // consent: patients' opt-ins (a fresh study per call, so every patient's opt-in is their first) and the vault's consent set.
        Plain("consent", "GET", "/research/invitations");
        Add("consent", "POST", "/research/studies/{id}/opt-in", async (p, _) =>
            new MatrixRequest($"/research/studies/{await ResearchTargets.FreshStudyAsync(p)}/opt-in", Json(new { })));
        Add("consent", "POST", "/research/studies/{id}/opt-out", async (p, _) =>
            new MatrixRequest($"/research/studies/{await ResearchTargets.OptedInStudyAsync(p)}/opt-out", Json(new { })));
        Add("consent", "GET", "/research/studies/{id}/consent-set", async (p, _) =>
            new MatrixRequest($"/research/studies/{(await ResearchTargets.VerifiedWithStudyAsync(p)).Study}/consent-set"));

        // record-vault
        Add("record-vault", "POST", "/patients/{patient}/records", (p, _) =>
            Path($"/patients/{p.Patient.Account!.Id}/records", SecurityPlatform.Observation("matrix"), Treatment));
        Add("record-vault", "GET", "/patients/{patient}/records", (p, _) => Path($"/patients/{p.Patient.Account!.Id}/records", null, Treatment));
        Add("record-vault", "GET", "/patients/{patient}/access-log", (p, _) => Path($"/patients/{p.Patient.Account!.Id}/access-log"));
        Add("record-vault", "GET", "/access-log/mine", (_, _) => Path("/access-log/mine"));
        Add("record-vault", "GET", "/records/{id}", (p, _) => Path($"/records/{p.RecordId}", null, Treatment));
        Add("record-vault", "PUT", "/records/{id}", (p, _) => Path($"/records/{p.RecordId}", SecurityPlatform.Observation("corrected"), Treatment));
        Add("record-vault", "DELETE", "/records/{id}", async (p, _) => new MatrixRequest($"/records/{await p.CreateRecordAsync(p.Patient)}"));
        Add("record-vault", "DELETE", "/admin/records/{id}", async (p, _) => new MatrixRequest($"/admin/records/{await p.CreateRecordAsync(p.Patient)}", null,
            new Dictionary<string, string> { ["X-Audit-Reason"] = "matrix check, ticket 17" }));
        // record-vault: the FHIR API, on the seeded patient's Observation
        Plain("record-vault", "GET", "/fhir/r4/metadata");
        Plain("record-vault", "GET", "/fhir/r4/.well-known/smart-configuration");
        Add("record-vault", "GET", "/fhir/r4/{type}", (p, _) => Path($"/fhir/r4/Observation?patient=Patient/{p.Patient.Account!.Id}", null, Treatment));
        Add("record-vault", "POST", "/fhir/r4/{type}/_search", (p, _) => Path("/fhir/r4/Observation/_search",
            new FormUrlEncodedContent([new("patient", "Patient/" + p.Patient.Account!.Id)]), Treatment));
        Add("record-vault", "POST", "/fhir/r4/{type}", (p, _) => Path("/fhir/r4/Observation", SecurityPlatform.FhirObservation(p.Patient.Account!.Id, "matrix"), Treatment));
        Add("record-vault", "GET", "/fhir/r4/{type}/{id}", (p, _) => Path($"/fhir/r4/Observation/{p.RecordId}", null, Treatment));
        Add("record-vault", "PUT", "/fhir/r4/{type}/{id}", (p, _) =>
            Path($"/fhir/r4/Observation/{p.RecordId}", SecurityPlatform.FhirObservation(p.Patient.Account!.Id, "corrected", p.RecordId), Treatment));
        Add("record-vault", "GET", "/fhir/r4/{type}/{id}/_history", (p, _) => Path($"/fhir/r4/Observation/{p.RecordId}/_history", null, Treatment));
        Add("record-vault", "GET", "/fhir/r4/{type}/{id}/_history/{vid}", (p, _) => Path($"/fhir/r4/Observation/{p.RecordId}/_history/1", null, Treatment));
        // record-vault: the patient's bulk export; the status, cancel and file routes aim at the seeded patient's own jobs.
        Add("record-vault", "GET", "/fhir/r4/Patient/{id}/$export", (p, _) => Path($"/fhir/r4/Patient/{p.Patient.Account!.Id}/$export", null, RespondAsync));
        Add("record-vault", "GET", "/fhir/r4/bulk-export/{job}", async (p, _) => new MatrixRequest((await ExportTargets.GetValue(p, ExportAsync)).Job));
        Add("record-vault", "DELETE", "/fhir/r4/bulk-export/{job}", async (p, _) => new MatrixRequest((await ExportAsync(p)).Job));
        Add("record-vault", "GET", "/fhir/r4/bulk-export/{job}/{file}", async (p, _) => new MatrixRequest((await ExportTargets.GetValue(p, ExportAsync)).File));
        // record-vault: research exports (docs/research.md). No principal holds research.export, so every one is refused
        // before the target matters: a real study, and an export id that would answer 404 to anyone let in.
        Add("record-vault", "POST", "/research/studies/{id}/exports", async (p, _) =>
            new MatrixRequest($"/research/studies/{(await ResearchTargets.VerifiedWithStudyAsync(p)).Study}/exports"));
        Add("record-vault", "GET", "/research/exports/{export}", (_, _) => Path($"/research/exports/{Guid.NewGuid()}"));
        Add("record-vault", "GET", "/research/exports/{export}/manifest.json", (_, _) => Path($"/research/exports/{Guid.NewGuid()}/manifest.json"));
        Add("record-vault", "GET", "/research/exports/{export}/files/{name}", (_, _) => Path($"/research/exports/{Guid.NewGuid()}/files/Observation.ndjson"));
        // consent: consents as FHIR
        Plain("consent", "GET", "/fhir/r4/metadata");
        Add("consent", "GET", "/fhir/r4/Consent", (p, _) => Path($"/fhir/r4/Consent?patient=Patient/{p.Patient.Account!.Id}"));
        Add("consent", "GET", "/fhir/r4/Consent/{id}", (p, _) => Path($"/fhir/r4/Consent/{p.ConsentId}"));
        Add("record-vault", "GET", "/fhir/r4/AuditEvent", (p, _) => Path($"/fhir/r4/AuditEvent?patient=Patient/{p.Patient.Account!.Id}"));
        // The seeded record's creation: the oldest entry of the patient's access log (theirs to read, no clinician's).
        Add("record-vault", "GET", "/fhir/r4/AuditEvent/{id}", async (p, _) =>
        {
            using var response = await p.SendAsync("record-vault", HttpMethod.Get, $"/patients/{p.Patient.Account!.Id}/access-log", p.Patient);
            var log = await SecurityPlatform.ReadJsonAsync(response, System.Net.HttpStatusCode.OK);
            return new MatrixRequest($"/fhir/r4/AuditEvent/{log[0].GetProperty("eventId").GetString()}");
        });
        // Binary: the seeded patient's attachment, of a category (observation) the matrix consent covers.
        Add("record-vault", "POST", "/fhir/r4/Binary", (p, _) => Path("/fhir/r4/Binary?category=observation", Pdf(),
            new Dictionary<string, string> { ["X-Security-Context"] = $"Patient/{p.Patient.Account!.Id}", ["X-Purpose-Of-Use"] = "TREAT" }));
        Add("record-vault", "GET", "/fhir/r4/Binary/{id}", async (p, _) =>
            new MatrixRequest($"/fhir/r4/Binary/{await AttachmentTargets.GetValue(p, AttachmentAsync)}", null, Treatment));
        Add("record-vault", "GET", "/fhir/r4/Binary/{id}/_history/{vid}", async (p, _) =>
            new MatrixRequest($"/fhir/r4/Binary/{await AttachmentTargets.GetValue(p, AttachmentAsync)}/_history/1", null, Treatment));
        Add("record-vault", "GET", "/fhir/r4/Patient/{patient}/$everything", (p, _) => Path($"/fhir/r4/Patient/{p.Patient.Account!.Id}/$everything", null, Treatment));
        Plain("record-vault", "POST", "/admin/keys/rotate");
        Plain("record-vault", "GET", "/admin/keys/rewrap");

        // ledger
        Add("ledger", "POST", "/entries", (_, _) => Path("/entries", Json(new { signedEvent = "not.a.jws" })));
        Add("ledger", "GET", "/entries/{leafIndex}", (_, _) => Path("/entries/0"));
        Add("ledger", "GET", "/events/{eventId}/receipt", (_, _) => Path($"/events/{Guid.NewGuid()}/receipt"));
        Plain("ledger", "GET", "/checkpoints/latest");
        // A size at which a checkpoint was taken: the latest one's (blocks close on a timer, so the first checkpoint
        // may cover several entries and no checkpoint need exist at size 1).
        Add("ledger", "GET", "/checkpoints/{treeSize}", async (p, _) =>
        {
            using var latest = await p.SendAsync("ledger", HttpMethod.Get, "/checkpoints/latest", p.Principals[PrincipalKinds.Anonymous]);
            var size = (await SecurityPlatform.ReadJsonAsync(latest, System.Net.HttpStatusCode.OK)).GetProperty("checkpoint").GetProperty("treeSize").GetInt64();
            return new MatrixRequest($"/checkpoints/{size}");
        });
        Plain("ledger", "GET", "/checkpoints");
        Add("ledger", "GET", "/proofs/consistency", (_, _) => Path("/proofs/consistency?from=0&to=1"));
        Plain("ledger", "GET", "/replicas/keys");
        Plain("ledger", "GET", "/cluster/status");
        Plain("ledger", "GET", "/consortium");
        Plain("ledger", "GET", "/consortium/history");
        Plain("ledger", "GET", "/governance/proposals");
        Add("ledger", "GET", "/governance/proposals/{id}", (_, _) => Path("/governance/proposals/matrix-no-such-proposal"));
        // Member-signed documents (docs/consortium.md, "Governance"); the dev host's ledger has no consortium.
        var unsigned = new { payload = "e30", replica = "ledger-0", kid = "matrix", signature = "c2ln" };
        Add("ledger", "POST", "/governance/proposals", (_, _) => Path("/governance/proposals", Json(unsigned)));
        Add("ledger", "POST", "/governance/proposals/{id}/ballots", (_, _) => Path("/governance/proposals/matrix-no-such-proposal/ballots", Json(unsigned)));
        Add("ledger", "POST", "/governance/proposals/{id}/withdrawal", (_, _) => Path("/governance/proposals/matrix-no-such-proposal/withdrawal", Json(unsigned)));
        // Membership changes name a replica that does not exist: even an allowed caller changes nothing.
        Add("ledger", "POST", "/admin/members/{name}", (_, _) => Path("/admin/members/matrix-no-such-replica"));
        Add("ledger", "DELETE", "/admin/members/{name}", (_, _) => Path("/admin/members/matrix-no-such-replica"));
        Add("ledger", "POST", "/internal/commands", (_, _) => Path("/internal/commands", new ByteArrayContent([1, 2, 3])));
        return requests;
    }

    /// <summary>Proposing and approving on a patient's behalf need a meaningful reason (20-500 characters, 3 words).</summary>
    private static readonly Dictionary<string, string> OnBehalfReason = new() { ["X-Audit-Reason"] = "matrix check of the four eyes rule, ticket 17" };

    private static JsonContent Proposal(SecurityPlatform platform) => Json(new
    {
        subject = platform.Patient.Account!.Id,
        grantee = new { kind = "practitioner", id = "matrix-" + Guid.NewGuid().ToString("N") },
        categories = new[] { "observation" },
        purposes = new[] { "TREAT" },
    });

    /// <summary>A pending proposal by the suite's admin, for someone to read, approve or reject.</summary>
    private static async Task<string> ProposeAsync(SecurityPlatform platform)
    {
        using var proposed = await platform.SendAsync("consent", HttpMethod.Post, "/admin/consent-proposals", platform.Admin, Proposal(platform), OnBehalfReason);
        return (await SecurityPlatform.ReadJsonAsync(proposed, System.Net.HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SecurityPlatform, Task<string>> ReadTargets = new();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SecurityPlatform, Task<string>> AttachmentTargets = new();

    private static ByteArrayContent Pdf()
    {
        var content = new ByteArrayContent("%PDF-1.4\n% matrix\n%%EOF\n"u8.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        return content;
    }

    /// <summary>An attachment (a PDF, category observation) of the seeded patient, stored through the record API: Binary/{id}.</summary>
    private static async Task<string> AttachmentAsync(SecurityPlatform platform)
    {
        using var created = await platform.SendAsync("record-vault", HttpMethod.Post, $"/patients/{platform.Patient.Account!.Id}/records?category=observation",
            platform.Patient, Pdf());
        return (await SecurityPlatform.ReadJsonAsync(created, System.Net.HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    private static readonly Dictionary<string, string> RespondAsync = new() { ["Prefer"] = "respond-async" };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SecurityPlatform, Task<(string Job, string File)>> ExportTargets = new();

    /// <summary>A finished export of the seeded patient's records: its status path and its first file's path (waited for, so
    /// the patient never has more running exports than the vault allows).</summary>
    private static async Task<(string Job, string File)> ExportAsync(SecurityPlatform platform)
    {
        using var kickOff = await platform.SendAsync("record-vault", HttpMethod.Get, $"/fhir/r4/Patient/{platform.Patient.Account!.Id}/$export", platform.Patient,
            headers: RespondAsync);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, kickOff.StatusCode);
        var job = kickOff.Content.Headers.ContentLocation!.PathAndQuery;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var status = await platform.SendAsync("record-vault", HttpMethod.Get, job, platform.Patient);
            if (status.StatusCode == System.Net.HttpStatusCode.OK)
            {
                var manifest = await SecurityPlatform.ReadJsonAsync(status, System.Net.HttpStatusCode.OK);
                return (job, new Uri(manifest.GetProperty("output")[0].GetProperty("url").GetString()!).PathAndQuery);
            }
            Assert.True(DateTime.UtcNow < deadline, $"The export did not finish: {(int)status.StatusCode}");
            await Task.Delay(200);
        }
    }

    /// <summary>A pending request by <paramref name="requester"/> to the seeded patient, for someone to read, approve or decline.</summary>
    private static async Task<string> AccessRequestAsync(SecurityPlatform platform, string requester)
    {
        using var requested = await platform.SendAsync("consent", HttpMethod.Post, "/access-requests", platform.Principals[requester], Json(new
        {
            patient = platform.Patient.Account!.Id,
            categories = new[] { "immunization" },
            purposes = new[] { "TREAT" },
            durationMinutes = 60,
        }));
        return (await SecurityPlatform.ReadJsonAsync(requested, System.Net.HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    private static object MatrixStudy() => new
    {
        title = "Matrix study",
        protocolSummary = "What the matrix reads.",
        ethicsApprovalReference = "EK-MATRIX-2",
        categories = new[] { "observation" },
        deidentificationLevel = "safe-harbor",
        startsOn = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"),
        endsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).ToString("yyyy-MM-dd"),
    };

    private static object MatrixClient() => new
    {
        type = "confidential",
        clientSecret = "matrix-client-secret-0123456789abcdefghij",
        grantTypes = new[] { "client_credentials" },
        scopes = new[] { "consent.decide" },
    };

    /// <summary>A client the admin registers just before someone tries to delete it.</summary>
    private static async Task<string> FreshClientAsync(SecurityPlatform platform)
    {
        var id = "matrix-delete-" + Guid.NewGuid().ToString("N")[..12];
        using var created = await platform.SendAsync("identity", HttpMethod.Put, $"/admin/clients/{id}", platform.Admin, Json(MatrixClient()));
        await SecurityPlatform.ReadJsonAsync(created, System.Net.HttpStatusCode.Created);
        return id;
    }
}
