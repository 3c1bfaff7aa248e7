namespace Platform.Identity.Kyc;

/// <summary>Every field of a <see cref="KycCase"/>, for persistence: <see cref="KycCase.ToSnapshot"/> and <see cref="KycCase.Restore"/>.</summary>
public sealed record KycCaseSnapshot(
    Guid Id,
    string OwnerId,
    KycCaseState State,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Submissions,
    string? EvidenceReference,
    EvidenceKinds EvidenceKinds,
    KycAssessment? Assessment,
    KycApproval? Approval,
    KycRejection? Rejection,
    IReadOnlyList<KycAuditEntry> Audit,
    IReadOnlyList<KycCommandRecord> Commands)
{
    public override string ToString() => $"KycCaseSnapshot {{ Id = {Id}, State = {State}, Version = {Version} }}";
}
