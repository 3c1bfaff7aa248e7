using System.Text.Json;
using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Flow;

namespace Platform.Identity.Kyc.Tests;

public sealed class WorkflowSnapshotTests
{
    [Fact]
    public void A_snapshot_restores_an_equivalent_case_that_keeps_its_idempotency_memory()
    {
        var decide = Decide(4, KycDecision.Approve);
        var approved = Ok(InReview(EvidenceKinds.DocumentImage | EvidenceKinds.Selfie).Decide(decide, At(4))).Case;

        var restored = Ok(KycCase.Restore(approved.ToSnapshot()));

        Assert.Equal(approved.ToSnapshot() with { Audit = [], Commands = [] }, restored.ToSnapshot() with { Audit = [], Commands = [] });
        Assert.Equal(approved.Audit, restored.Audit);
        Assert.Equal(approved.Commands.Values.OrderBy(c => c.Version), restored.Commands.Values.OrderBy(c => c.Version));
        Assert.True(Ok(restored.Decide(decide, At(9))).Replayed);
        Assert.Equal(KycErrorCodes.CommandIdReused, Refused(restored.Decide(decide with { Decision = KycDecision.Reject }, At(9))).Code);
    }

    [Fact]
    public void A_snapshot_whose_audit_trail_does_not_explain_it_is_refused()
    {
        var snapshot = InReview().ToSnapshot();

        Assert.Equal(KycErrorCodes.InvalidSnapshot, Refused(KycCase.Restore(snapshot with { Version = 3 })).Code);
        Assert.Equal(KycErrorCodes.InvalidSnapshot, Refused(KycCase.Restore(snapshot with { State = KycCaseState.Approved })).Code);
        Assert.Equal(KycErrorCodes.InvalidSnapshot, Refused(KycCase.Restore(snapshot with { Audit = [.. snapshot.Audit.Take(3)] })).Code);
        Assert.Equal(KycErrorCodes.InvalidSnapshot, Refused(KycCase.Restore(snapshot with { OwnerId = "" })).Code);
        Assert.Equal(KycErrorCodes.InvalidSnapshot, Refused(KycCase.Restore(snapshot with { Commands = [.. snapshot.Commands, snapshot.Commands[0]] })).Code);
    }

    [Fact]
    public void A_snapshot_survives_a_JSON_round_trip_with_System_Text_Json()
    {
        var approved = Decided(KycDecision.Approve, EvidenceKinds.DocumentImage | EvidenceKinds.Liveness);

        var json = JsonSerializer.Serialize(approved.ToSnapshot());
        var restored = Ok(KycCase.Restore(JsonSerializer.Deserialize<KycCaseSnapshot>(json)!));

        Assert.Equal(json, JsonSerializer.Serialize(restored.ToSnapshot()));
        Assert.Equal(AssuranceMapper.Map(approved), AssuranceMapper.Map(restored));
    }
}
