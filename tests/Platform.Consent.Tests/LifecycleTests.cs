using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public void Revoke_makes_the_very_next_decision_deny()
    {
        var granted = Grant();
        Assert.Equal(DecisionOutcome.Permit, Decide(Request(), granted).Outcome);

        var change = Ok(granted.Revoke(Now.AddMinutes(2)));
        var decision = Decide(Request(at: Now.AddMinutes(2)), change.Consent);

        Assert.Equal((ConsentStatus.Revoked, 2), (change.Consent.Status, change.Consent.Version));
        Assert.Equal("revoke", change.LedgerAction);
        Assert.Equal(DecisionOutcome.Deny, decision.Outcome);
        Assert.Equal(DecisionReasons.Revoked, decision.Reason);
        Assert.Equal((change.Consent.Id, 2), (decision.ConsentId, decision.ConsentVersion));
    }

    [Fact]
    public void Final_states_cannot_change_again()
    {
        var revoked = Ok(Grant().Revoke(Now)).Consent;
        var suspended = Ok(Grant().Suspend(Now)).Consent;
        var expired = Ok(Grant().Expire(End)).Consent;

        foreach (var consent in new[] { revoked, suspended, expired })
        {
            Assert.Equal(ConsentErrorCodes.NotActive, Refused(consent.Revoke(End)).Code);
            Assert.Equal(ConsentErrorCodes.NotActive, Refused(consent.Suspend(End)).Code);
            Assert.Equal(ConsentErrorCodes.NotActive, Refused(consent.Expire(End)).Code);
        }
    }

    [Fact]
    public void Expire_is_only_possible_once_the_end_is_reached()
    {
        var granted = Grant();

        Assert.Equal(ConsentErrorCodes.NotYetExpired, Refused(granted.Expire(End.AddTicks(-1))).Code);
        var change = Ok(granted.Expire(End));
        Assert.Equal((ConsentStatus.Expired, ConsentAction.Expire, "expire"), (change.Consent.Status, change.Action, change.LedgerAction));
        Assert.Equal(ConsentErrorCodes.NeverExpires, Refused(Grant(openEnded: true).Expire(End.AddYears(10))).Code);
    }

    [Fact]
    public void A_consent_can_be_revoked_after_its_window_ended_but_before_the_expiry_was_recorded()
    {
        Assert.Equal(ConsentStatus.Revoked, Ok(Grant().Revoke(End.AddDays(1))).Consent.Status);
    }

    [Fact]
    public void Suspension_denies_with_its_own_reason_and_is_recorded_on_the_ledger_as_a_revoke()
    {
        var change = Ok(Grant().Suspend(Now.AddMinutes(1)));

        Assert.Equal(ConsentStatus.Suspended, change.Consent.Status);
        Assert.Equal(ConsentAction.Suspend, change.Action);
        Assert.Equal("revoke", change.LedgerAction);
        Assert.Equal(DecisionReasons.Suspended, Decide(Request(), change.Consent).Reason);
    }

    [Fact]
    public void Versions_count_up_and_updated_at_never_goes_back_even_with_a_slow_clock()
    {
        var v1 = Grant();
        var v2 = Ok(v1.Narrow([RecordCategories.Observation], null, null, null, Now.AddMinutes(10))).Consent;
        var v3 = Ok(v2.Revoke(Now.AddMinutes(5))).Consent;

        Assert.Equal([1, 2, 3], new[] { v1.Version, v2.Version, v3.Version });
        Assert.Equal(Now.AddMinutes(10), v3.UpdatedAt);
    }
}
