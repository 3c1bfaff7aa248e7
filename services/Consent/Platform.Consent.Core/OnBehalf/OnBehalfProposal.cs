namespace Platform.Consent.Core;

/// <summary>
/// A consent an admin proposes to grant on a patient's behalf. It grants nothing: decisions read only consents, and
/// this becomes one only when a second, different admin approves it before it expires (four eyes). Both admins
/// state a reason (<see cref="OnBehalfReason"/>); the consent it produces is marked as granted on behalf in its
/// signed event (<see cref="ConsentChange.OnBehalf"/>). Immutable, like <see cref="PatientConsent"/>.
/// </summary>
/// <remarks>
/// The terms are checked when proposed (the same rules as a patient's grant) and again when approved, since time
/// has passed: an end that has meanwhile gone by is refused then. Without <see cref="ValidFrom"/> the consent starts
/// when it is approved, not when it was proposed.
/// </remarks>
public sealed record OnBehalfProposal
{
    /// <summary>How long a proposal waits for its second admin unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    /// <summary>The longest a proposal may wait: an approval should follow the request it answers, not weeks later.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    public required Guid Id { get; init; }
    public required string SubjectPseudonym { get; init; }
    public required Grantee Grantee { get; init; }
    public required IReadOnlyList<string> Categories { get; init; }
    public required IReadOnlyList<string> Purposes { get; init; }
    public required IReadOnlyList<string> Actions { get; init; }
    public DateTimeOffset? ValidFrom { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
    public required string ProposedBy { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset ProposedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>As recorded; use <see cref="StatusAt"/> for what it is now.</summary>
    public required ProposalStatus Status { get; init; }

    /// <summary>The admin who approved or rejected it.</summary>
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecisionReason { get; init; }

    /// <summary>The consent the approval created.</summary>
    public Guid? ConsentId { get; init; }

    /// <summary>The status at <paramref name="now"/>: a pending proposal past its expiry is expired.</summary>
    public ProposalStatus StatusAt(DateTimeOffset now) =>
        Status == ProposalStatus.Pending && now >= ExpiresAt ? ProposalStatus.Expired : Status;

    public static ConsentResult<OnBehalfProposal> Propose(
        Guid id,
        string subjectPseudonym,
        Grantee grantee,
        IEnumerable<string> categories,
        IEnumerable<string> purposes,
        IEnumerable<string>? actions,
        DateTimeOffset? validFrom,
        DateTimeOffset? validUntil,
        string proposedBy,
        string? reason,
        DateTimeOffset now,
        TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A proposal lives more than zero and at most {MaxLifetime.TotalDays} days.");
        }
        if (OnBehalfReason.Check(reason) is { } badReason)
        {
            return ConsentResult<OnBehalfProposal>.Failure(badReason);
        }
        // The patient's own grant rules, checked now so that a proposal that could never be approved is refused at once.
        var terms = PatientConsent.Grant(id, subjectPseudonym, grantee, categories, purposes, validFrom ?? now, validUntil, now, actions);
        if (!terms.IsSuccess)
        {
            return ConsentResult<OnBehalfProposal>.Failure(terms.Error);
        }
        var consent = terms.Value.Consent;
        return ConsentResult<OnBehalfProposal>.Success(new OnBehalfProposal
        {
            Id = id,
            SubjectPseudonym = subjectPseudonym,
            Grantee = grantee,
            Categories = [.. consent.Categories],
            Purposes = [.. consent.Purposes],
            Actions = [.. consent.Actions],
            ValidFrom = validFrom is null ? null : consent.ValidFrom,
            ValidUntil = consent.ValidUntil,
            ProposedBy = proposedBy,
            Reason = reason!.Trim(),
            ProposedAt = ConsentTimes.Floor(now),
            ExpiresAt = ConsentTimes.Floor(now + lifetime),
            Status = ProposalStatus.Pending,
        });
    }

    /// <summary>
    /// The second admin's approval: the approved proposal and the grant of consent <paramref name="consentId"/>, marked
    /// as made on the patient's behalf. Refused when <paramref name="approver"/> proposed it, when it is no longer
    /// pending (approved, rejected, expired), without a reason, or when its terms no longer hold.
    /// </summary>
    public ConsentResult<OnBehalfApproval> Approve(Guid consentId, string approver, string? reason, DateTimeOffset now)
    {
        if (string.Equals(approver, ProposedBy, StringComparison.Ordinal))
        {
            return ConsentResult<OnBehalfApproval>.Failure(ConsentErrorCodes.SelfApproval,
                "The admin who proposed a consent on a patient's behalf cannot approve it; a second admin must.");
        }
        if (RefuseUnlessPending(now) is { } notPending)
        {
            return ConsentResult<OnBehalfApproval>.Failure(notPending);
        }
        if (OnBehalfReason.Check(reason) is { } badReason)
        {
            return ConsentResult<OnBehalfApproval>.Failure(badReason);
        }
        var grant = PatientConsent.Grant(consentId, SubjectPseudonym, Grantee, Categories, Purposes, ValidFrom ?? now, ValidUntil, now, Actions);
        if (!grant.IsSuccess)
        {
            return ConsentResult<OnBehalfApproval>.Failure(grant.Error);
        }
        var approved = this with
        {
            Status = ProposalStatus.Approved,
            DecidedBy = approver,
            DecidedAt = ConsentTimes.Floor(now),
            DecisionReason = reason!.Trim(),
            ConsentId = consentId,
        };
        return ConsentResult<OnBehalfApproval>.Success(new OnBehalfApproval(approved, grant.Value with { OnBehalf = true }));
    }

    /// <summary>Turns the proposal down (any admin, its proposer too: that is withdrawing it); nothing is granted.</summary>
    public ConsentResult<OnBehalfProposal> Reject(string admin, string? reason, DateTimeOffset now) =>
        RefuseUnlessPending(now) is { } notPending
            ? ConsentResult<OnBehalfProposal>.Failure(notPending)
            : ConsentResult<OnBehalfProposal>.Success(this with
            {
                Status = ProposalStatus.Rejected,
                DecidedBy = admin,
                DecidedAt = ConsentTimes.Floor(now),
                DecisionReason = reason?.Trim(),
            });

    private ConsentError? RefuseUnlessPending(DateTimeOffset now) => StatusAt(now) switch
    {
        ProposalStatus.Pending => null,
        ProposalStatus.Expired => new(ConsentErrorCodes.ProposalExpired, $"The proposal expired at {ConsentTimes.ToText(ExpiresAt)}; propose again."),
        var status => new(ConsentErrorCodes.ProposalNotPending, $"The proposal is {status.ToCode()}; only a pending proposal can be approved or rejected."),
    };
}

/// <summary>An approved proposal and the grant it makes (its <see cref="ConsentChange.OnBehalf"/> is set).</summary>
public sealed record OnBehalfApproval(OnBehalfProposal Proposal, ConsentChange Grant);
