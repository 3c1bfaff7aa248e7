using System.Text;
using System.Text.Json;
using Platform.Identity.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// A write endpoint under attack: who calls it (a principal the endpoint lets in, so refusals are about the input),
/// where (resolved against the seeded resources), a valid body the corpus mutates, and attacks of its own.
/// </summary>
public sealed record WriteEndpoint(string Name, string Service, string Method, string Caller, Func<SecurityPlatform, string> Path,
    string? ValidJson = null, IReadOnlyList<KeyValuePair<string, string>>? ValidForm = null, long BodyLimit = 1024 * 1024,
    string MediaType = "application/json", Func<SecurityPlatform, IEnumerable<BadInput>>? Extra = null, bool BodyOptional = false,
    bool IsFhir = false, IReadOnlyDictionary<string, string>? Headers = null, bool OAuthErrors = false)
{
    /// <summary>Answers errors as OAuth's <c>{"error": ...}</c>: the form-encoded OAuth endpoints, and OpenID4VCI's JSON ones.</summary>
    public bool IsOAuth => ValidForm is not null || OAuthErrors;

    public IEnumerable<BadInput> Corpus(SecurityPlatform platform) =>
        (ValidForm is not null ? BadInputs.ForForm(ValidForm) : ValidJson is not null ? BadInputs.ForJson(ValidJson, BodyLimit, MediaType) : [])
        .Where(input => !(BodyOptional && input.Name == BadInputs.EmptyBody)) // no body is a valid request there
        .Concat(Extra?.Invoke(platform) ?? []);

    public override string ToString() => Name;
}

/// <summary>Every endpoint of the dev host that takes a body or names something to change, with its corpus.</summary>
public static class WriteEndpoints
{
    private static HttpContent Json(string text, string mediaType = "application/json") => new StringContent(text, Encoding.UTF8, mediaType);

    private static string Fhir(string extra = "") => "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"corpus\"}" + extra + "}";

    /// <summary>FHIR content the vault must refuse: not a resource, an unknown type, required elements missing, bad codes and dates.</summary>
    private static IEnumerable<BadInput> InvalidFhir(string? path = null) =>
    [
        new("FHIR: an unknown resourceType", () => Json("{\"resourceType\":\"NoSuchResource\",\"status\":\"final\"}", "application/fhir+json"), path),
        new("FHIR: no resourceType", () => Json("{\"status\":\"final\",\"code\":{\"text\":\"x\"}}", "application/fhir+json"), path),
        new("FHIR: an Observation without status and code", () => Json("{\"resourceType\":\"Observation\"}", "application/fhir+json"), path),
        new("FHIR: a status outside its value set", () => Json("{\"resourceType\":\"Observation\",\"status\":\"bogus\",\"code\":{\"text\":\"x\"}}", "application/fhir+json"), path),
        new("FHIR: a date that does not exist", () => Json(Fhir(",\"effectiveDateTime\":\"2026-13-45\""), "application/fhir+json"), path),
        new("FHIR: a value of 1e400", () => Json(Fhir(",\"valueQuantity\":{\"value\":1e400}"), "application/fhir+json"), path),
        new("FHIR: an element that does not exist", () => Json(Fhir(",\"noSuchElement\":true"), "application/fhir+json"), path),
        new("FHIR: XML", () => Json("<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/></Observation>", "application/fhir+xml"), path),
        // Finding 2, follow-up (docs/security.md): an HL7 ActCode label no sensitive category covers is refused, never dropped
        // (HIV, PSY and the other well-known codes map to a sensitive category and are stored under it).
        new("FHIR: a sensitivity label no category covers (TBOO)", () => Json(Fhir(",\"meta\":{\"security\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"TBOO\"}]}"), "application/fhir+json"), path),
        new("FHIR: a made-up ActCode label", () => Json(Fhir(",\"meta\":{\"security\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"NO-SUCH-LABEL\"}]}"), "application/fhir+json"), path),
    ];

    /// <summary>A signed governance document around a payload (the signature is 64 bytes no member key made).</summary>
    private static string GovernanceDocument(string payload) => JsonSerializer.Serialize(new
    {
        payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        replica = "ledger-0",
        kid = "corpus-kid",
        signature = Convert.ToBase64String(new byte[64]).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
    });

    /// <summary>Governance documents a replica must refuse whatever its consortium: not base64url, not JSON inside, a payload of another kind.</summary>
    private static IEnumerable<BadInput> GovernanceAttacks(string path) =>
    [
        new("governance: a payload that is not base64url", () => Json("""{"payload":"not base64url!","replica":"ledger-0","kid":"k","signature":"AAAA"}"""), path),
        new("governance: a payload that is not JSON", () => Json("""{"payload":"bm90IGpzb24","replica":"ledger-0","kid":"k","signature":"AAAA"}"""), path),
        new("governance: a ballot sent as a proposal (or the other way round)", () => Json(GovernanceDocument(path.EndsWith("/ballots", StringComparison.Ordinal)
            ? """{"kind":"proposal","ledgerId":"platform-consent-ledger","proposalId":"corpus-proposal","member":"Corpus","actions":[],"expiresAt":0}"""
            : """{"kind":"ballot","ledgerId":"platform-consent-ledger","proposalId":"corpus-proposal","member":"Corpus","vote":"for"}""")), path),
        new("governance: a signature of the wrong length", () => Json("""{"payload":"e30","replica":"ledger-0","kid":"k","signature":"AAAA"}"""), path),
        new("governance: no replica or key id", () => Json("""{"payload":"e30","signature":"AAAA"}"""), path),
    ];

    /// <summary>An Observation naming a patient no one has (every corpus body must be refused, whatever it names).</summary>
    private static string FhirWithSubject() => Fhir(",\"subject\":{\"reference\":\"Patient/corpus-patient-0001\"}");

    /// <summary>Attacks on the FHIR type segment: an unknown type, traversal, and the rest of <see cref="PathAttacks"/>.</summary>
    private static IEnumerable<BadInput> FhirPathAttacks(string suffix) =>
        PathAttacks("/fhir/r4/", suffix, Json(FhirWithSubject(), "application/fhir+json"))
            .Append(new("path: a FHIR type the API does not serve", () => Json(FhirWithSubject(), "application/fhir+json"), "/fhir/r4/Patient" + suffix));

    private static IEnumerable<BadInput> PathAttacks(string prefix, string suffix, HttpContent? body = null) =>
    [
        new("path: ../ traversal", () => body, prefix + "..%2F..%2F..%2Fetc%2Fpasswd" + suffix),
        new("path: dot segments", () => body, prefix + "%2e%2e" + suffix),
        new("path: a backslash traversal", () => body, prefix + "..%5C..%5Cwin.ini" + suffix),
        new("path: outside the BMP", () => body, prefix + Uri.EscapeDataString(BadInputs.NonBmp) + suffix),
        new("path: an injection", () => body, prefix + Uri.EscapeDataString(BadInputs.Injections[0]) + suffix),
        new("path: a lone surrogate's UTF-8", () => body, prefix + "%ED%A0%80" + suffix),
        new("path: 4 000 characters", () => body, prefix + new string('a', 4_000) + suffix),
    ];

    /// <summary>A valid Binary resource for a patient the vault does not know (refused 403 and not audited, like the records' corpus).</summary>
    private static string FhirBinary() =>
        "{\"resourceType\":\"Binary\",\"contentType\":\"application/pdf\",\"securityContext\":{\"reference\":\"Patient/corpus-patient-0001\"},\"data\":\""
        + Convert.ToBase64String("%PDF-1.4\n% corpus\n%%EOF\n"u8) + "\"}";

    /// <summary>
    /// POST /fhir/r4/Binary: the JSON corpus on a Binary resource, and attacks of its own on both forms. "JSON sent as
    /// text/plain" is sent for a patient no one has (X-Security-Context): UTF-8 text is an attachment type, so without
    /// the header it would be a valid raw upload of the caller's own text file, not a bad input. Its own attacks:
    /// a resource without data (422 invalid_resource), a type off the allowlist (415), raw bytes whose signature
    /// contradicts their type (422 content_type_mismatch), raw HTML (415), an unknown category (422 unknown_category),
    /// a label no category covers (422 unsupported_sensitivity_label), a securityContext that is no patient (422
    /// patient_reference_required), another resource type (422 invalid_resource).
    /// </summary>
    private static IEnumerable<BadInput> BinaryCorpus()
    {
        const string fhirJson = "application/fhir+json";
        HttpContent Raw(byte[] bytes, string contentType)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            return content;
        }
        return BadInputs.ForJson(FhirBinary(), FhirBinaryLimit, fhirJson).Where(i => i.Name != "JSON sent as text/plain")
            .Concat(
            [
                new("JSON sent as text/plain for a patient no one has", () =>
                {
                    var text = Json(FhirBinary(), "text/plain");
                    text.Headers.TryAddWithoutValidation("X-Security-Context", "Patient/corpus-patient-0001");
                    return text;
                }),
                new("Binary: no data", () => Json("{\"resourceType\":\"Binary\",\"contentType\":\"application/pdf\"}", fhirJson)),
                new("Binary: a contentType off the allowlist", () => Json(FhirBinary().Replace("application/pdf", "text/html", StringComparison.Ordinal), fhirJson)),
                new("Binary: a securityContext that is no patient", () => Json(FhirBinary().Replace("Patient/corpus-patient-0001", "Practitioner/../../x", StringComparison.Ordinal), fhirJson)),
                new("Binary: a label no category covers (TBOO)", () => Json(FhirBinary().Replace("\"contentType\"", "\"meta\":{\"security\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"TBOO\"}]},\"contentType\"", StringComparison.Ordinal), fhirJson)),
                new("Binary: an Observation", () => Json(FhirWithSubject(), fhirJson)),
                new("raw: HTML labelled image/png", () => Raw("<html><script>alert(1)</script></html>"u8.ToArray(), "image/png")),
                new("raw: HTML as text/html", () => Raw("<html></html>"u8.ToArray(), "text/html")),
                new("raw: no content type", () => new ByteArrayContent("%PDF-1.4\n"u8.ToArray())),
                new("raw: an unknown category", () => Raw("%PDF-1.4\n% corpus\n%%EOF\n"u8.ToArray(), "application/pdf"), "/fhir/r4/Binary?category=' OR 1=1"),
            ]);
    }

    /// <summary>The Binary route's request limit at the vault's default 25 MiB attachments: base64 plus 64 KiB.</summary>
    private const long FhirBinaryLimit = 25L * 1024 * 1024 / 3 * 4 + 64 * 1024;

    /// <summary>The Bulk Data kick-off's bad parameters (each refused before a job exists) and another patient's export.</summary>
    private static IEnumerable<BadInput> ExportKickOffs(SecurityPlatform p)
    {
        var own = $"/fhir/r4/Patient/{p.Patient.Account!.Id}/$export";
        return new[]
        {
            ("a type this server does not serve", "?_type=Patient"), ("an unknown type", "?_type=Nonsense"), ("a date without a zone", "?_since=2024-01-01"),
            ("_since twice", "?_since=2024-01-01T00:00:00Z&_since=2024-02-01T00:00:00Z"), ("an output format other than NDJSON", "?_outputFormat=text/csv"),
            ("a _typeFilter", "?_typeFilter=Observation%3Fcode%3D1"), ("includeAssociatedData", "?includeAssociatedData=LatestProvenanceResources"),
            ("a kick-off URL over 2,048 characters", "?_type=" + string.Join(",", Enumerable.Repeat("Observation", 200))),
        }.Select(bad => new BadInput("$export: " + bad.Item1, () => null, own + bad.Item2))
            .Append(new BadInput("$export: another patient", () => null, "/fhir/r4/Patient/corpus-patient-0001/$export"))
            .Concat(PathAttacks("/fhir/r4/Patient/", "/$export"));
    }

    private static readonly Dictionary<string, string> RespondAsync = new() { ["Prefer"] = "respond-async" };

    private static readonly Dictionary<string, string> OnBehalfReason = new() { ["X-Audit-Reason"] = "corpus check of the four eyes rule, ticket 17" };

    public static IReadOnlyList<WriteEndpoint> All { get; } =
    [
        // consent
        new("POST /consents", "consent", "POST", PrincipalKinds.Patient, _ => "/consents",
            """{"grantee":{"kind":"practitioner","id":"corpus-grantee-0001"},"categories":["observation"],"purposes":["TREAT"],"validFrom":"2026-06-01T00:00:00Z","validUntil":"2027-06-01T00:00:00Z","actions":["access"]}""",
            BodyLimit: 16 * 1024,
            Extra: _ => [.. BadInputs.Injections.Concat([BadInputs.NonBmp]).Select(s => new BadInput($"grantee id '{s}'", () => Json(
                "{\"grantee\":{\"kind\":\"practitioner\",\"id\":" + JsonSerializer.Serialize(s) + "},\"categories\":[\"observation\"],\"purposes\":[\"TREAT\"]}"))),
                new BadInput("a category outside the code list", () => Json("""{"grantee":{"kind":"practitioner","id":"corpus-grantee-0001"},"categories":["' OR 1=1"],"purposes":["TREAT"]}""")),
                new BadInput("a subject that is another patient", () => Json("""{"subject":"someone-else-0001","grantee":{"kind":"practitioner","id":"corpus-grantee-0001"},"categories":["observation"],"purposes":["TREAT"]}"""))]),
        new("PATCH /consents/{id}", "consent", "PATCH", PrincipalKinds.Patient, p => $"/consents/{p.CorpusConsentId}",
            """{"categories":["observation"],"purposes":["TREAT"],"validUntil":"2027-01-01T00:00:00Z","expectedVersion":1,"actions":["access"]}""",
            BodyLimit: 16 * 1024, Extra: _ => PathAttacks("/consents/", "", Json("{}"))),
        new("POST /consents/{id}/revoke", "consent", "POST", PrincipalKinds.Patient, p => $"/consents/{p.CorpusConsentId}/revoke",
            """{"expectedVersion":1}""", BodyLimit: 16 * 1024, Extra: _ => PathAttacks("/consents/", "/revoke", Json("{}")), BodyOptional: true),
        new("POST /decisions", "consent", "POST", PrincipalKinds.ServiceDecide, _ => "/decisions",
            """{"subject":"corpus-patient-0001","actor":"corpus-clinician-0001","actorKind":"practitioner","category":"observation","purpose":"TREAT","breakGlass":false,"action":"access"}""",
            BodyLimit: 16 * 1024),
        new("POST /decisions/patients", "consent", "POST", PrincipalKinds.ServiceDecide, _ => "/decisions/patients",
            """{"actor":"corpus-clinician-0001","actorKind":"practitioner","purpose":"TREAT"}""", BodyLimit: 16 * 1024),

        // consent: an admin's proposal to grant on a patient's behalf (the reason header is valid, so only the body is bad)
        new("POST /admin/consent-proposals", "consent", "POST", PrincipalKinds.Admin, _ => "/admin/consent-proposals",
            """{"subject":"corpus-patient-0001","grantee":{"kind":"practitioner","id":"corpus-grantee-0001"},"categories":["observation"],"purposes":["TREAT"],"validUntil":"2027-06-01T00:00:00Z"}""",
            BodyLimit: 16 * 1024, Headers: OnBehalfReason),
        new("POST /admin/consent-proposals/{id}/approve", "consent", "POST", PrincipalKinds.Admin, _ => $"/admin/consent-proposals/{Guid.Empty}/approve",
            Headers: OnBehalfReason, Extra: _ => PathAttacks("/admin/consent-proposals/", "/approve")),
        // consent: a clinician asks a patient for access; the patient approves or declines (no such request: 404)
        new("POST /access-requests", "consent", "POST", PrincipalKinds.Clinician, _ => "/access-requests",
            """{"patient":"corpus-patient-0001","categories":["observation"],"purposes":["TREAT"],"durationMinutes":60}""",
            BodyLimit: 16 * 1024,
            Extra: _ => [new BadInput("a window of 0 minutes", () => Json("""{"patient":"corpus-patient-0001","categories":["observation"],"purposes":["TREAT"],"durationMinutes":0}""")),
                         new BadInput("a window of a year", () => Json("""{"patient":"corpus-patient-0001","categories":["observation"],"purposes":["TREAT"],"durationMinutes":525600}""")),
                         new BadInput("a patient id that is not a pseudonym", () => Json("""{"patient":"../etc/passwd","categories":["observation"],"purposes":["TREAT"],"durationMinutes":60}""")),
                         new BadInput("an unknown category", () => Json("""{"patient":"corpus-patient-0001","categories":["everything"],"purposes":["TREAT"],"durationMinutes":60}"""))]),
        new("POST /access-requests/{id}/approve", "consent", "POST", PrincipalKinds.Patient, _ => $"/access-requests/{Guid.Empty}/approve",
            Extra: _ => PathAttacks("/access-requests/", "/approve")),
        new("POST /access-requests/{id}/decline", "consent", "POST", PrincipalKinds.Patient, _ => $"/access-requests/{Guid.Empty}/decline",
            Extra: _ => PathAttacks("/access-requests/", "/decline")),
        // consent: research organisations and studies. No principal is a verified representative, so the corpus meets
        // the refusals in front of the rules (their own tests: Platform.Consent.Service.Tests, Research).
        new("POST /research/organisations", "consent", "POST", PrincipalKinds.Clinician, _ => "/research/organisations",
            """{"legalName":"Corpus Research Ltd","registrationNumber":"CORPUS-1","country":"GB","registeredAddress":"1 Corpus Street"}""",
            BodyLimit: 32 * 1024),
        new("POST /research/organisations/{id}/verify", "consent", "POST", PrincipalKinds.Reviewer, _ => $"/research/organisations/{Guid.Empty}/verify",
            Extra: _ => PathAttacks("/research/organisations/", "/verify")),
        new("POST /research/organisations/{id}/reject", "consent", "POST", PrincipalKinds.Reviewer, _ => $"/research/organisations/{Guid.Empty}/reject",
            """{"reason":"corpus check"}""", BodyLimit: 32 * 1024, Extra: _ => PathAttacks("/research/organisations/", "/reject", Json("{}"))),
        new("POST /research/organisations/{id}/studies", "consent", "POST", PrincipalKinds.Clinician, _ => $"/research/organisations/{Guid.Empty}/studies",
            """{"title":"Corpus study","protocolSummary":"p","ethicsApprovalReference":"EK-1","categories":["observation"],"deidentificationLevel":"safe-harbor","startsOn":"2026-12-01","endsOn":"2027-12-01"}""",
            BodyLimit: 32 * 1024, Extra: _ => PathAttacks("/research/organisations/", "/studies", Json("{}"))),
        new("POST /research/studies/{id}/opt-in", "consent", "POST", PrincipalKinds.Patient, _ => $"/research/studies/{Guid.Empty}/opt-in",
            Extra: _ => PathAttacks("/research/studies/", "/opt-in")),
        new("POST /research/studies/{id}/opt-out", "consent", "POST", PrincipalKinds.Patient, _ => $"/research/studies/{Guid.Empty}/opt-out",
            Extra: _ => PathAttacks("/research/studies/", "/opt-out")),
        // record-vault: a research export takes no body; what the corpus sends are studies no export may start from,
        // as the study's representative (404 for a study that does not exist or is another organisation's, 409 for one
        // whose organisation is not verified or that has ended) and malformed ids (400 malformed_id).
        new("POST /research/studies/{id}/exports", "record-vault", "POST", PrincipalKinds.Researcher, _ => $"/research/studies/{Guid.Empty}/exports",
            Extra: p => PathAttacks("/research/studies/", "/exports").Concat(
            [
                new BadInput("a study id that is not a UUID", () => null, "/research/studies/not-a-uuid/exports", Status: 400, Code: "malformed_id"),
                new BadInput("a study that does not exist", () => null, $"/research/studies/{Guid.NewGuid()}/exports", Status: 404),
                new BadInput("another organisation's study", () => null, $"/research/studies/{p.ResearcherStudies.OfAnotherOrganisation}/exports", Status: 404),
                new BadInput("a study of an organisation that is not verified", () => null, $"/research/studies/{p.ResearcherStudies.OfPendingOrganisation}/exports",
                    Status: 409, Code: "organisation_not_verified"),
                new BadInput("a study that has ended", () => null, $"/research/studies/{p.ResearcherStudies.Ended}/exports", Status: 409, Code: "study_not_active"),
            ])),
        // record-vault
        new("POST /patients/{patient}/records", "record-vault", "POST", PrincipalKinds.Patient, p => $"/patients/{p.Patient.Account!.Id}/records",
            Fhir(), BodyLimit: 25 * 1024 * 1024, MediaType: "application/fhir+json",
            Extra: p => InvalidFhir().Concat(PathAttacks("/patients/", "/records", Json(Fhir(), "application/fhir+json")))),
        new("PUT /records/{id}", "record-vault", "PUT", PrincipalKinds.Patient, p => $"/records/{p.RecordId}",
            Fhir(), BodyLimit: 25 * 1024 * 1024, MediaType: "application/fhir+json",
            Extra: p => InvalidFhir().Concat(PathAttacks("/records/", "", Json(Fhir(), "application/fhir+json")))),
        // record-vault: the FHIR API refuses with a FHIR OperationOutcome instead of problem+json
        new("POST /fhir/r4/{type}", "record-vault", "POST", PrincipalKinds.Patient, _ => "/fhir/r4/Observation",
            FhirWithSubject(), BodyLimit: 4 * 1024 * 1024, MediaType: "application/fhir+json", IsFhir: true,
            Extra: _ => InvalidFhir().Concat(FhirPathAttacks(""))),
        new("PUT /fhir/r4/{type}/{id}", "record-vault", "PUT", PrincipalKinds.Patient, p => $"/fhir/r4/Observation/{p.RecordId}",
            FhirWithSubject(), BodyLimit: 4 * 1024 * 1024, MediaType: "application/fhir+json", IsFhir: true,
            Extra: p => InvalidFhir().Concat(FhirPathAttacks("/" + p.RecordId))),
        new("POST /fhir/r4/Binary", "record-vault", "POST", PrincipalKinds.Patient, _ => "/fhir/r4/Binary", IsFhir: true,
            Extra: _ => BinaryCorpus()),
        // Bulk Data: the kick-off creates a job (GET, as the specification has it); a cancel deletes one.
        new("GET /fhir/r4/Patient/{id}/$export", "record-vault", "GET", PrincipalKinds.Patient, p => $"/fhir/r4/Patient/{p.Patient.Account!.Id}/$export",
            IsFhir: true, Headers: RespondAsync, Extra: ExportKickOffs),
        new("DELETE /fhir/r4/bulk-export/{job}", "record-vault", "DELETE", PrincipalKinds.Patient, _ => $"/fhir/r4/bulk-export/{Guid.NewGuid()}",
            IsFhir: true, Extra: _ => PathAttacks("/fhir/r4/bulk-export/", "").Append(new BadInput("a job that does not exist", () => null))),
        new("DELETE /records/{id}", "record-vault", "DELETE", PrincipalKinds.Patient, p => $"/records/{p.RecordId}",
            Extra: _ => PathAttacks("/records/", "")),
        new("DELETE /admin/records/{id}", "record-vault", "DELETE", PrincipalKinds.Admin, p => $"/admin/records/{p.RecordId}",
            Extra: _ => PathAttacks("/admin/records/", "")),

        // identity
        new("PUT /admin/clients/{clientId}", "identity", "PUT", PrincipalKinds.Admin, _ => "/admin/clients/corpus-client",
            """{"displayName":"Corpus client","type":"confidential","clientSecret":"corpus-client-secret-0123456789abcdefghij","consentType":"explicit","grantTypes":["client_credentials"],"scopes":["consent.decide"],"redirectUris":[],"requirePushedAuthorization":false}""",
            Extra: _ => PathAttacks("/admin/clients/", "", Json("""{"type":"public","grantTypes":["authorization_code"],"scopes":["openid"],"redirectUris":["https://corpus.example/cb"]}"""))
                .Concat([new BadInput("a redirect URI that is javascript:", () => Json("""{"type":"public","grantTypes":["authorization_code"],"scopes":["openid"],"redirectUris":["javascript:alert(1)"]}""")),
                         new BadInput("a grant type that does not exist", () => Json("""{"type":"confidential","grantTypes":["password' OR 1=1"],"scopes":["openid"]}"""))])),
        new("POST /admin/users/{userId}/activate-clinician", "identity", "POST", PrincipalKinds.Admin, _ => "/admin/users/nobody/activate-clinician",
            Extra: _ => PathAttacks("/admin/users/", "/activate-clinician")),
        new("POST /credentials/revoke", "identity", "POST", PrincipalKinds.Admin, _ => "/credentials/revoke",
            """{"userId":"corpus-nobody","reason":"corpus_check"}"""),
        new("POST /credentials/verified-identity", "identity", "POST", PrincipalKinds.Patient, _ => "/credentials/verified-identity",
            """{"proof":"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}"""),
        // OpenID4VCI's own error format ({"error": ...} as application/json), not problem+json (§8.3.1.2, §11.3).
        new("POST /credentials/issue", "identity", "POST", PrincipalKinds.Patient, _ => "/credentials/issue",
            """{"credential_configuration_id":"verified_identity_sd_jwt","proofs":{"jwt":["eyJhbGciOiJFUzI1NiJ9.e30.c2ln"]}}""", OAuthErrors: true),
        new("POST /credentials/notification", "identity", "POST", PrincipalKinds.Patient, _ => "/credentials/notification",
            """{"notification_id":"corpus-notification","event":"credential_accepted"}""", OAuthErrors: true),
        new("POST /kyc/cases/{id}/evidence", "identity", "POST", PrincipalKinds.Patient, p => $"/kyc/cases/{p.KycCaseId}/evidence",
            JsonSerializer.Serialize(KycApplications.Application("ERIKA", "MUSTERMANN", "C01X00T47", new DateOnly(1984, 8, 12)), JsonSerializerOptions.Web),
            BodyLimit: 16 * 1024 * 1024, Extra: _ => PathAttacks("/kyc/cases/", "/evidence", Json("{}"))),
        new("POST /kyc/cases/{id}/decision", "identity", "POST", PrincipalKinds.Reviewer, p => $"/kyc/cases/{p.KycCaseId}/decision",
            """{"expectedVersion":1,"decision":"approve","reason":"corpus check","allowResubmission":true}""",
            Extra: _ => PathAttacks("/kyc/cases/", "/decision", Json("{}"))),

        // ledger
        new("POST /entries", "ledger", "POST", PrincipalKinds.ServiceSubmit, _ => "/entries", """{"signedEvent":"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}"""),
        // Consortium governance (docs/consortium.md): a member's signed document relayed by its replica's administrator.
        // The dev host's ledger has no consortium, so even a well-formed document is refused (404 not_a_consortium).
        new("POST /governance/proposals", "ledger", "POST", PrincipalKinds.LedgerAdminToken, _ => "/governance/proposals",
            GovernanceDocument("""{"kind":"proposal","ledgerId":"platform-consent-ledger","proposalId":"corpus-proposal","member":"Corpus","actions":[{"kind":"remove","name":"Nobody"}],"expiresAt":4102444800000}"""),
            Extra: _ => GovernanceAttacks("/governance/proposals")),
        new("POST /governance/proposals/{id}/ballots", "ledger", "POST", PrincipalKinds.LedgerAdminToken, _ => "/governance/proposals/corpus-proposal/ballots",
            GovernanceDocument("""{"kind":"ballot","ledgerId":"platform-consent-ledger","proposalId":"corpus-proposal","member":"Corpus","vote":"for"}"""),
            Extra: _ => GovernanceAttacks("/governance/proposals/corpus-proposal/ballots")
                .Concat(PathAttacks("/governance/proposals/", "/ballots", Json(GovernanceDocument("""{"kind":"ballot","vote":"for"}"""))))),
        new("POST /governance/proposals/{id}/withdrawal", "ledger", "POST", PrincipalKinds.LedgerAdminToken, _ => "/governance/proposals/corpus-proposal/withdrawal",
            GovernanceDocument("""{"kind":"withdrawal","ledgerId":"platform-consent-ledger","proposalId":"corpus-proposal","member":"Corpus"}"""),
            Extra: _ => GovernanceAttacks("/governance/proposals/corpus-proposal/withdrawal")
                .Concat(PathAttacks("/governance/proposals/", "/withdrawal", Json(GovernanceDocument("""{"kind":"withdrawal"}"""))))),

        // OAuth (RFC 6749 error JSON)
        new("POST /connect/token", "identity", "POST", PrincipalKinds.Anonymous, _ => "/connect/token", ValidForm:
        [
            new("grant_type", "client_credentials"), new("scope", "consent.decide"),
            new("client_id", Platform.DevHost.DevHostIdentity.ServiceClientId), new("client_secret", Platform.DevHost.DevHostIdentity.ServiceClientSecret),
        ]),
        new("POST /connect/par", "identity", "POST", PrincipalKinds.Anonymous, _ => "/connect/par", ValidForm:
        [
            new("client_id", "clinician-portal"), new("response_type", "code"), new("redirect_uri", "http://127.0.0.1:5173/callback"),
            new("scope", "openid"), new("code_challenge", new string('a', 43)), new("code_challenge_method", "S256"),
        ]),
        new("POST /connect/introspect", "identity", "POST", PrincipalKinds.Anonymous, _ => "/connect/introspect", ValidForm:
        [
            new("token", "not-a-token"), new("client_id", Platform.DevHost.DevHostIdentity.ServiceClientId), new("client_secret", "wrong-secret"),
        ]),
        new("POST /connect/revoke", "identity", "POST", PrincipalKinds.Anonymous, _ => "/connect/revoke", ValidForm:
        [
            new("token", "not-a-token"), new("client_id", Platform.DevHost.DevHostIdentity.ServiceClientId), new("client_secret", "wrong-secret"),
        ]),
    ];
}
