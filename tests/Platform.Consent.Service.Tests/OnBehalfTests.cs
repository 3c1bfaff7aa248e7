using System.Net;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// Issue 17, finding 8: a consent on a patient's behalf takes two admins. A's proposal grants nothing, A cannot approve
/// it, B's approval puts it in force, marked on behalf in the signed event the ledger commits, and the patient is told.
/// </summary>
public sealed class OnBehalfTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private const string ProposalReason = "Patient asked by signed letter, ticket 4711; identity checked at the desk";
    private const string ApprovalReason = "Second check: letter and ticket 4711 match the patient record";

    [Fact]
    public async Task A_proposal_grants_nothing_the_proposer_cannot_approve_and_a_second_admin_puts_it_in_force_on_behalf_and_the_patient_is_told()
    {
        var (patient, patientToken) = await platform.PatientAsync();
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        var (adminA, tokenA) = await AdminAsync();
        var (adminB, tokenB) = await AdminAsync();
        var service = await platform.ServiceTokenAsync();
        var terms = new
        {
            subject = patient.Id,
            grantee = new { kind = "practitioner", id = clinician },
            categories = new[] { "mental-health" },
            purposes = new[] { "TREAT" },
        };

        // A one-character reason is not a reason; nothing is stored.
        var (vague, vagueProblem) = await platform.CallAsync(HttpMethod.Post, "/admin/consent-proposals", tokenA, terms, auditReason: "x");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "on_behalf_reason_required"), (vague, vagueProblem.GetProperty("code").GetString()));
        var (_, none) = await platform.CallAsync(HttpMethod.Get, $"/admin/consent-proposals?subject={patient.Id}", tokenA, auditReason: "check");
        Assert.Equal(0, none.GetArrayLength());

        // A proposes: pending, and the clinician is still denied.
        var (proposed, proposal) = await platform.CallAsync(HttpMethod.Post, "/admin/consent-proposals", tokenA, terms, auditReason: ProposalReason);
        Assert.True(proposed == HttpStatusCode.Accepted, proposal.ToString());
        Assert.Equal(("pending", adminA.Id, ProposalReason), (proposal.GetProperty("status").GetString(), proposal.GetProperty("proposedBy").GetString(), proposal.GetProperty("reason").GetString()));
        var id = proposal.GetProperty("id").GetString()!;
        Assert.Equal("no_consent", (await platform.DecideAsync(service, patient.Id, clinician, "mental-health", "TREAT")).GetProperty("reason").GetString());
        var (_, pending) = await platform.CallAsync(HttpMethod.Get, $"/admin/consent-proposals?subject={patient.Id}", tokenB, auditReason: "review queue");
        Assert.Equal([id], pending.EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        // A cannot approve their own proposal; still nothing in force.
        var (self, selfProblem) = await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{id}/approve", tokenA, new { }, auditReason: ApprovalReason);
        Assert.Equal((HttpStatusCode.Forbidden, "self_approval"), (self, selfProblem.GetProperty("code").GetString()));
        Assert.Equal("deny", (await platform.DecideAsync(service, patient.Id, clinician, "mental-health", "TREAT")).GetProperty("decision").GetString());
        var (_, patientView) = await platform.CallAsync(HttpMethod.Get, "/consents", patientToken);
        Assert.Equal(0, patientView.GetArrayLength());

        // B approves: the consent is in force, marked on behalf, and says by whom and why.
        var (approved, approval) = await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{id}/approve", tokenB, new { }, auditReason: ApprovalReason);
        Assert.True(approved == HttpStatusCode.Created, approval.ToString());
        var consentId = approval.GetProperty("consent").GetProperty("id").GetString()!;
        Assert.Equal(("approved", adminB.Id, consentId), (approval.GetProperty("proposal").GetProperty("status").GetString(),
            approval.GetProperty("proposal").GetProperty("decidedBy").GetString(), approval.GetProperty("proposal").GetProperty("consentId").GetString()));
        var permit = await platform.DecideAsync(service, patient.Id, clinician, "mental-health", "TREAT");
        Assert.Equal(("permit", consentId), (permit.GetProperty("decision").GetString(), permit.GetProperty("consentId").GetString()));

        // Approving again is refused: a proposal makes one consent.
        var (again, againProblem) = await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{id}/approve",
            await platform.UserTokenAsync((await AdminAsync()).Account, "openid consent.manage"), new { }, auditReason: ApprovalReason);
        Assert.Equal((HttpStatusCode.Conflict, "proposal_not_pending"), (again, againProblem.GetProperty("code").GetString()));

        // The patient sees the consent as granted on their behalf, and a notice about it.
        var (_, consent) = await platform.CallAsync(HttpMethod.Get, $"/consents/{consentId}", patientToken);
        var how = consent.GetProperty("grantedOnBehalf");
        Assert.Equal((adminA.Id, ProposalReason, adminB.Id, ApprovalReason), (how.GetProperty("proposedBy").GetString(), how.GetProperty("proposalReason").GetString(),
            how.GetProperty("approvedBy").GetString(), how.GetProperty("approvalReason").GetString()));
        var (noticesStatus, notices) = await platform.CallAsync(HttpMethod.Get, "/consents/notices", patientToken);
        Assert.Equal(HttpStatusCode.OK, noticesStatus);
        var notice = Assert.Single(notices.EnumerateArray());
        Assert.Equal(("consent_granted_on_behalf", consentId), (notice.GetProperty("kind").GetString(), notice.GetProperty("consentId").GetString()));
        Assert.Contains(clinician, notice.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("mental-health", notice.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Another patient sees neither.
        var (_, otherToken) = await platform.PatientAsync();
        Assert.Equal(0, (await platform.CallAsync(HttpMethod.Get, "/consents/notices", otherToken)).Body.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Get, $"/consents/{consentId}", otherToken)).Status);

        // The signed event says onBehalf, and the ledger committed it (the validator knows the field).
        var grant = consent.GetProperty("history")[0];
        Assert.True(Jwt.Payload(grant.GetProperty("signedEvent").GetString()!).GetProperty("onBehalf").GetBoolean());
        Assert.Equal(adminB.Id, grant.GetProperty("changedBy").GetString());
        await Eventually.TrueAsync(async () =>
        {
            var (_, view) = await platform.CallAsync(HttpMethod.Get, $"/consents/{consentId}", patientToken);
            return view.GetProperty("history")[0].GetProperty("receipt").ValueKind == JsonValueKind.Object;
        }, "the ledger's receipt for the on-behalf grant", TimeSpan.FromSeconds(30));

        // The patient may revoke it like any other.
        var (revoked, _) = await platform.CallAsync(HttpMethod.Post, $"/consents/{consentId}/revoke", patientToken, new { });
        Assert.Equal(HttpStatusCode.OK, revoked);
        Assert.Equal("deny", (await platform.DecideAsync(service, patient.Id, clinician, "mental-health", "TREAT")).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Only_admins_see_and_decide_proposals_and_a_rejected_one_cannot_be_approved()
    {
        var (patient, patientToken) = await platform.PatientAsync();
        var (_, tokenA) = await AdminAsync();
        var (_, tokenB) = await AdminAsync();
        var (_, proposal) = await platform.CallAsync(HttpMethod.Post, "/admin/consent-proposals", tokenA, new
        {
            subject = patient.Id,
            grantee = new { kind = "organization", id = "hospital-0000001" },
            categories = new[] { "immunization" },
            purposes = new[] { "TREAT" },
        }, auditReason: ProposalReason);
        var id = proposal.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Get, $"/admin/consent-proposals/{id}", patientToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{id}/approve", patientToken, new { })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CallAsync(HttpMethod.Get, "/admin/consent-proposals", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Get, $"/admin/consent-proposals/{Guid.NewGuid()}", tokenB, auditReason: "check")).Status);

        var (rejected, rejection) = await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{id}/reject", tokenB, new { }, auditReason: "no letter on file");
        Assert.Equal((HttpStatusCode.OK, "rejected"), (rejected, rejection.GetProperty("status").GetString()));
        var (late, lateProblem) = await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{id}/approve", tokenB, new { }, auditReason: ApprovalReason);
        Assert.Equal((HttpStatusCode.Conflict, "proposal_not_pending"), (late, lateProblem.GetProperty("code").GetString()));
        Assert.Equal(0, (await platform.CallAsync(HttpMethod.Get, "/consents", patientToken)).Body.GetArrayLength());
        Assert.Equal(0, (await platform.CallAsync(HttpMethod.Get, "/consents/notices", patientToken)).Body.GetArrayLength());
    }

    private async Task<(TestAccount Account, string Token)> AdminAsync()
    {
        var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        return (admin, await platform.UserTokenAsync(admin, "openid consent.manage"));
    }
}
