using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.ServiceDefaults;

namespace Platform.Consent.Consents;

/// <summary>
/// Four eyes for consents granted on a patient's behalf: one admin proposes (nothing is granted), a second admin
/// approves (the consent is granted, marked on behalf in its signed event, and the patient gets a notice, all in one
/// transaction), or any admin rejects. The rules live in <see cref="OnBehalfProposal"/>.
/// </summary>
public sealed class OnBehalfCommands(ConsentDbContext db, ConsentCommands consents, IOptions<OnBehalfOptions> options, TimeProvider time)
{
    public async Task<OnBehalfProposal> ProposeAsync(
        string subject, Grantee grantee, IEnumerable<string> categories, IEnumerable<string> purposes, IEnumerable<string>? actions,
        DateTimeOffset? validFrom, DateTimeOffset? validUntil, string admin, string? reason, CancellationToken cancellationToken)
    {
        var result = OnBehalfProposal.Propose(Guid.NewGuid(), subject, grantee, categories, purposes, actions, validFrom, validUntil,
            admin, reason, time.GetUtcNow(), options.Value.ProposalLifetime);
        var proposal = result.IsSuccess ? result.Value : throw ConsentProblems.From(result.Error);
        db.OnBehalfProposals.Add(OnBehalfProposalRow.From(proposal));
        await db.SaveChangesAsync(cancellationToken);
        return proposal;
    }

    public async Task<(OnBehalfProposal Proposal, PatientConsent Consent)> ApproveAsync(Guid id, string admin, string? reason, CancellationToken cancellationToken)
    {
        var row = await FindAsync(id, cancellationToken);
        var now = time.GetUtcNow();
        var result = row.ToProposal().Approve(Guid.NewGuid(), admin, reason, now);
        var approval = result.IsSuccess ? result.Value : throw ConsentProblems.From(result.Error);
        row.CopyFrom(approval.Proposal);
        db.PatientNotices.Add(new PatientNoticeRow
        {
            Id = Guid.NewGuid(),
            Patient = approval.Proposal.SubjectPseudonym,
            Kind = PatientNoticeRow.ConsentGrantedOnBehalf,
            ConsentId = approval.Grant.ConsentId,
            ProposalId = id,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
        });
        // One transaction: the proposal's approval (its status is the concurrency token, so a second approval racing
        // this one fails), the notice, and the consent with its history and signed event.
        var consent = await consents.GrantAsync(approval.Grant, new ChangeAuthor(admin, approval.Proposal.DecisionReason), cancellationToken);
        return (approval.Proposal, consent);
    }

    public async Task<OnBehalfProposal> RejectAsync(Guid id, string admin, string? reason, CancellationToken cancellationToken)
    {
        var row = await FindAsync(id, cancellationToken);
        var result = row.ToProposal().Reject(admin, reason, time.GetUtcNow());
        var rejected = result.IsSuccess ? result.Value : throw ConsentProblems.From(result.Error);
        row.CopyFrom(rejected);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict("The proposal was decided at the same time; reload it.", "concurrent_change");
        }
        return rejected;
    }

    private async Task<OnBehalfProposalRow> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.OnBehalfProposals.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
        ?? throw ProblemException.NotFound($"No proposal {id}.");
}
