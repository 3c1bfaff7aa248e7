using System.Net;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>Grant, narrow, revoke, expiry, purpose and action (read or write), seen through POST /decisions.</summary>
public sealed class ConsentDecisionTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private static readonly string Clinician = "clin" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Grant_permits_narrow_denies_the_removed_category_and_revoke_denies_the_very_next_decision()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();

        var (created, consent) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = Clinician },
            categories = new[] { "observation", "medication" },
            purposes = new[] { "TREAT" },
        });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = consent.GetProperty("id").GetString()!;
        Assert.Equal(1, consent.GetProperty("version").GetInt32());

        var permit = await DecideAsync(service, patient.Id, "medication", "TREAT");
        Assert.Equal("permit", permit.GetProperty("decision").GetString());
        Assert.Equal(id, permit.GetProperty("consentId").GetString());
        Assert.Equal(1, permit.GetProperty("consentVersion").GetInt32());

        var (narrowed, narrowedBody) = await platform.CallAsync(HttpMethod.Patch, $"/consents/{id}", token, new { categories = new[] { "observation" } });
        Assert.Equal(HttpStatusCode.OK, narrowed);
        Assert.Equal(2, narrowedBody.GetProperty("version").GetInt32());
        Assert.Equal("category_not_covered", (await DecideAsync(service, patient.Id, "medication", "TREAT")).GetProperty("reason").GetString());
        Assert.Equal("permit", (await DecideAsync(service, patient.Id, "observation", "TREAT")).GetProperty("decision").GetString());

        var (widen, widenBody) = await platform.CallAsync(HttpMethod.Patch, $"/consents/{id}", token, new { categories = new[] { "observation", "condition" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, widen);
        Assert.Equal("widening_not_allowed", widenBody.GetProperty("code").GetString());

        var (revoked, _) = await platform.CallAsync(HttpMethod.Post, $"/consents/{id}/revoke", token, new { });
        Assert.Equal(HttpStatusCode.OK, revoked);
        var after = await DecideAsync(service, patient.Id, "observation", "TREAT");
        Assert.Equal("deny", after.GetProperty("decision").GetString());
        Assert.Equal("revoked", after.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Purpose_mismatch_is_denied_and_sensitive_categories_need_their_own_grant()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        await platform.GrantAsync(token, Clinician, ["observation"], ["TREAT"], null);

        Assert.Equal("purpose_not_covered", (await DecideAsync(service, patient.Id, "observation", "HRESCH")).GetProperty("reason").GetString());
        Assert.Equal("deny", (await DecideAsync(service, patient.Id, "mental-health", "TREAT")).GetProperty("decision").GetString());
        Assert.Equal("no_consent", (await DecideAsync(service, patient.Id, "observation", "TREAT", actor: "someone-else-entirely")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_time_boxed_grant_stops_at_its_end_and_is_then_recorded_as_expired()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var end = DateTimeOffset.UtcNow.AddSeconds(3);
        var id = await platform.GrantAsync(token, Clinician, ["observation"], ["TREAT"], end);

        Assert.Equal("permit", (await DecideAsync(service, patient.Id, "observation", "TREAT")).GetProperty("decision").GetString());
        await Task.Delay(end - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        Assert.Equal("expired", (await DecideAsync(service, patient.Id, "observation", "TREAT")).GetProperty("reason").GetString());

        var expiry = (Platform.Consent.Consents.ConsentExpiry)platform.Consent.Services.GetService(typeof(Platform.Consent.Consents.ConsentExpiry))!;
        Assert.True(await expiry.ExpireDueAsync(CancellationToken.None) >= 1);
        var (_, consent) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", token);
        Assert.Equal("expired", consent.GetProperty("status").GetString());
        Assert.Equal("expire", consent.GetProperty("history")[1].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Break_glass_permits_a_flagged_emergency_by_a_clinician_proven_by_their_token_within_its_budget_and_is_audited()
    {
        var (patient, _) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var (doctor, doctorToken) = await platform.ClinicianAsync();
        var (notDoctor, _) = await platform.PatientAsync();
        var notDoctorVaultToken = await platform.UserTokenAsync(notDoctor, "openid records");

        var first = await DecideAsync(service, patient.Id, "observation", "ETREAT", doctor.Id, breakGlass: true, subjectToken: doctorToken);
        Assert.Equal("break-glass", first.GetProperty("decision").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("consentId").ValueKind);
        Assert.Equal("deny", (await DecideAsync(service, patient.Id, "observation", "TREAT", doctor.Id, breakGlass: true, subjectToken: doctorToken)).GetProperty("decision").GetString());
        // A person who is not a clinician, proven so by their own token, whatever the body claims.
        var patientAsks = await DecideAsync(service, patient.Id, "observation", "ETREAT", notDoctor.Id, breakGlass: true, clinician: true, subjectToken: notDoctorVaultToken);
        Assert.Equal("break_glass_requires_clinician", patientAsks.GetProperty("reason").GetString());
        // Without actor in the body the token names it.
        Assert.Equal("break-glass", (await DecideAsync(service, patient.Id, "observation", "ETREAT", actor: "", breakGlass: true, subjectToken: doctorToken)).GetProperty("decision").GetString());
        var third = await DecideAsync(service, patient.Id, "observation", "ETREAT", doctor.Id, breakGlass: true, subjectToken: doctorToken);
        Assert.Equal("break_glass_rate_limited", third.GetProperty("reason").GetString());

        // Every permitted break-glass is an audit event on the bus, naming the clinician the token proved.
        await Eventually.TrueAsync(() => platform.Observed.Count(e => e.Topic == "consent.break-glass.v1" && e.Payload.Contains(patient.Id, StringComparison.Ordinal)) == 2,
            "two break-glass audit events");
        Assert.All(platform.Observed.Where(e => e.Topic == "consent.break-glass.v1" && e.Payload.Contains(patient.Id, StringComparison.Ordinal)),
            e => Assert.Contains(doctor.Id, e.Payload, StringComparison.Ordinal));
    }

    /// <summary>Issue 17, finding 9: the caller's say-so (actor, actorIsClinician) never makes a break-glass.</summary>
    [Fact]
    public async Task A_service_forging_the_actor_spends_no_break_glass_budget_and_writes_no_break_glass_audit_line()
    {
        var (patient, _) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var (doctor, doctorToken) = await platform.ClinicianAsync();
        var (_, otherDoctorToken) = await platform.ClinicianAsync();
        var consentOnlyToken = await platform.UserTokenAsync(doctor, "openid consent.manage");

        // The body says "a clinician, in an emergency", with no token to show for it: answered, never as a clinician's.
        for (var i = 0; i < 3; i++)
        {
            var forged = await DecideAsync(service, patient.Id, "observation", "ETREAT", doctor.Id, breakGlass: true, clinician: true);
            Assert.Equal(("deny", "break_glass_requires_clinician"), (forged.GetProperty("decision").GetString(), forged.GetProperty("reason").GetString()));
        }
        // A forwarded token that is not a valid person's token for the vault is refused outright.
        foreach (var bad in new[] { "not-a-token", service, consentOnlyToken, doctorToken[..^4] + "AAAA" })
        {
            var (status, problem) = await platform.CallAsync(HttpMethod.Post, "/decisions", service, Body(patient.Id, doctor.Id), subjectToken: bad);
            Assert.Equal((HttpStatusCode.Forbidden, "invalid_subject_token"), (status, problem.GetProperty("code").GetString()));
        }
        // Another clinician's genuine token cannot spend this doctor's budget.
        var (mismatch, mismatchProblem) = await platform.CallAsync(HttpMethod.Post, "/decisions", service, Body(patient.Id, doctor.Id), subjectToken: otherDoctorToken);
        Assert.Equal((HttpStatusCode.Forbidden, "actor_mismatch"), (mismatch, mismatchProblem.GetProperty("code").GetString()));

        // The doctor's whole budget (2) is still there, and only the genuine uses are audited.
        Assert.Equal("break-glass", (await DecideAsync(service, patient.Id, "observation", "ETREAT", doctor.Id, breakGlass: true, subjectToken: doctorToken)).GetProperty("decision").GetString());
        Assert.Equal("break-glass", (await DecideAsync(service, patient.Id, "observation", "ETREAT", doctor.Id, breakGlass: true, subjectToken: doctorToken)).GetProperty("decision").GetString());
        await Eventually.TrueAsync(() => AuditLines(patient.Id) >= 2, "the genuine break-glass audit events");
        await Task.Delay(1000);
        Assert.Equal(2, AuditLines(patient.Id));

        // A forwarded token the identity service has since revoked proves nothing any more.
        using var identity = new HttpClient { BaseAddress = platform.Identity.BaseAddress };
        using var revoke = await identity.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = otherDoctorToken,
            ["client_id"] = IdentityServer.PortalClient,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await Eventually.TrueAsync(async () => (await platform.CallAsync(HttpMethod.Post, "/decisions", service,
                new { subject = patient.Id, category = "observation", purpose = "ETREAT", breakGlass = true }, subjectToken: otherDoctorToken)).Status == HttpStatusCode.Forbidden,
            "the revoked subject token is refused", TimeSpan.FromSeconds(10));
    }

    private int AuditLines(string patient) => platform.Observed.Count(e => e.Topic == "consent.break-glass.v1" && e.Payload.Contains(patient, StringComparison.Ordinal));

    private static object Body(string subject, string actor) =>
        new { subject, actor, actorKind = "practitioner", category = "observation", purpose = "ETREAT", breakGlass = true, actorIsClinician = true };

    [Fact]
    public async Task Reading_and_writing_are_decided_separately_and_break_glass_never_writes()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var readOnly = await platform.GrantAsync(token, Clinician, ["observation"], ["TREAT", "ETREAT"], null);

        Assert.Equal("permit", (await DecideAsync(service, patient.Id, "observation", "TREAT")).GetProperty("decision").GetString());
        Assert.Equal("permit", (await DecideAsync(service, patient.Id, "observation", "TREAT", action: "access")).GetProperty("decision").GetString());
        var write = await DecideAsync(service, patient.Id, "observation", "TREAT", action: "correct");
        Assert.Equal(("deny", "action_not_covered"), (write.GetProperty("decision").GetString(), write.GetProperty("reason").GetString()));
        var emergencyWrite = await DecideAsync(service, patient.Id, "condition", "ETREAT", breakGlass: true, action: "correct");
        Assert.Equal(("deny", "break_glass_read_only"), (emergencyWrite.GetProperty("decision").GetString(), emergencyWrite.GetProperty("reason").GetString()));
        Assert.DoesNotContain(platform.Observed, e => e.Topic == "consent.break-glass.v1" && e.Payload.Contains(patient.Id, StringComparison.Ordinal));

        // The patient grants writing explicitly; the consent shows and commits its actions.
        var (created, readWrite) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = Clinician },
            categories = new[] { "condition" },
            purposes = new[] { "TREAT" },
            actions = new[] { "access", "correct" },
        });
        Assert.True(created == HttpStatusCode.Created, readWrite.ToString());
        Assert.Equal(["access", "correct"], readWrite.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("permit", (await DecideAsync(service, patient.Id, "condition", "TREAT", action: "correct")).GetProperty("decision").GetString());
        var (_, stored) = await platform.CallAsync(HttpMethod.Get, $"/consents/{readWrite.GetProperty("id").GetString()}", token);
        var snapshot = stored.GetProperty("history")[0].GetProperty("snapshot");
        Assert.Equal("platform.consent.v2", snapshot.GetProperty("format").GetString());
        Assert.Equal(stored.GetProperty("hash").GetString(), stored.GetProperty("history")[0].GetProperty("hash").GetString());
        var (_, old) = await platform.CallAsync(HttpMethod.Get, $"/consents/{readOnly}", token);
        Assert.Equal(["access"], old.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("platform.consent.v1", old.GetProperty("history")[0].GetProperty("snapshot").GetProperty("format").GetString());

        // Taking writing away is a narrowing; the very next write decision is a deny.
        var (narrowed, _) = await platform.CallAsync(HttpMethod.Patch, $"/consents/{readWrite.GetProperty("id").GetString()}", token, new { actions = new[] { "access" } });
        Assert.Equal(HttpStatusCode.OK, narrowed);
        Assert.Equal("action_not_covered", (await DecideAsync(service, patient.Id, "condition", "TREAT", action: "correct")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Unknown_actions_are_422_problems_and_nothing_is_granted()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();

        var (decision, decisionProblem) = await platform.CallAsync(HttpMethod.Post, "/decisions", service, new
        {
            subject = patient.Id, actor = Clinician, actorKind = "practitioner", category = "observation", purpose = "TREAT", action = "erase",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, decision);
        Assert.Equal("unknown_action", decisionProblem.GetProperty("code").GetString());
        foreach (var actions in new[] { new[] { "access", "erase" }, Array.Empty<string>() })
        {
            var (grant, grantProblem) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
            {
                grantee = new { kind = "practitioner", id = Clinician },
                categories = new[] { "observation" },
                purposes = new[] { "TREAT" },
                actions,
            });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, grant);
            Assert.Contains(grantProblem.GetProperty("code").GetString(), new[] { "unknown_action", "no_actions" });
        }
        var (_, list) = await platform.CallAsync(HttpMethod.Get, "/consents", token);
        Assert.Empty(list.EnumerateArray());
    }

    /// <param name="actor">The body's actor; empty leaves it out (the forwarded token names it).</param>
    private async Task<JsonElement> DecideAsync(string serviceToken, string subject, string category, string purpose, string? actor = null, bool breakGlass = false,
        bool clinician = true, string? action = null, string? subjectToken = null)
    {
        var (status, body) = await platform.CallAsync(HttpMethod.Post, "/decisions", serviceToken, new
        {
            subject,
            actor = actor == "" ? null : actor ?? Clinician,
            actorKind = "practitioner",
            category,
            purpose,
            breakGlass,
            actorIsClinician = clinician,
            action,
        }, subjectToken: subjectToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }
}
