using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class ConsentProjectionTests
{
    /// <summary>A live store driven change by change, keeping every change in commit order as the ledger would.</summary>
    private sealed class LiveStore
    {
        public Dictionary<Guid, PatientConsent> Consents { get; } = [];
        public List<ConsentChange> Log { get; } = [];

        public PatientConsent Commit(ConsentResult<ConsentChange> result)
        {
            var change = Ok(result);
            Consents[change.ConsentId] = change.Consent;
            Log.Add(change);
            return change.Consent;
        }
    }

    private static readonly Guid A = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid B = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");
    private static readonly Guid C = Guid.Parse("cccccccc-0000-0000-0000-000000000003");
    private static readonly Guid D = Guid.Parse("dddddddd-0000-0000-0000-000000000004");

    private static LiveStore History()
    {
        var store = new LiveStore();
        var a = store.Commit(PatientConsent.Grant(A, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation, RecordCategories.Medication, RecordCategories.MentalHealth], [PurposesOfUse.Treatment, PurposesOfUse.HealthcareResearch], Start, End, Now));
        var b = store.Commit(PatientConsent.Grant(B, OtherPatient, Grantee.Organization(Hospital),
            [RecordCategories.Condition], [PurposesOfUse.Treatment], Start, null, Now.AddSeconds(1)));
        a = store.Commit(a.Narrow([RecordCategories.Observation, RecordCategories.MentalHealth], null, null, null, Now.AddMinutes(1)));
        var c = store.Commit(PatientConsent.Grant(C, Patient, Grantee.Practitioner(OtherDoctor),
            [RecordCategories.Imaging], [PurposesOfUse.EmergencyTreatment], Start, Start.AddMinutes(30), Now.AddMinutes(2)));
        store.Commit(a.Narrow(null, [PurposesOfUse.Treatment], null, End.AddMinutes(-15), Now.AddMinutes(3)));
        store.Commit(b.Revoke(Now.AddMinutes(4)));
        var d = store.Commit(PatientConsent.Grant(D, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Genetic], [PurposesOfUse.HealthcareResearch], Start, End, Now.AddMinutes(5)));
        store.Commit(c.Expire(Start.AddMinutes(30)));
        store.Commit(d.Suspend(Now.AddMinutes(31)));
        return store;
    }

    [Fact]
    public void Replaying_every_change_rebuilds_exactly_the_live_state()
    {
        var live = History();

        var rebuilt = ConsentProjection.Rebuild(live.Log);

        Assert.True(rebuilt.IsConsistent, string.Join("; ", rebuilt.Problems));
        Assert.Equal(live.Consents.Keys.Order(), rebuilt.Consents.Keys.Order());
        foreach (var (id, consent) in live.Consents)
        {
            Assert.Equal(consent, rebuilt.Consents[id]);
            Assert.Equal(ConsentHash.Compute(consent), ConsentHash.Compute(rebuilt.Consents[id]));
        }
        Assert.Empty(ConsentProjection.Compare(live.Consents.Values, rebuilt.Consents));
        Assert.Equal((3, ConsentStatus.Active), (rebuilt.Consents[A].Version, rebuilt.Consents[A].Status));
        Assert.Equal(ConsentStatus.Suspended, rebuilt.Consents[D].Status);
    }

    [Fact]
    public void The_rebuilt_state_decides_like_the_live_state()
    {
        var live = History();
        var rebuilt = ConsentProjection.Rebuild(live.Log);
        var requests = from category in RecordCategories.All
                       from purpose in PurposesOfUse.All
                       from actor in new[] { Doctor, OtherDoctor }
                       from minutes in new[] { 0, 20, 50, 70 }
                       select Request(category.Code, purpose.Code, Now.AddMinutes(minutes), actor);

        foreach (var request in requests)
        {
            Assert.Equal(DecisionEngine.Decide(request, live.Consents.Values), DecisionEngine.Decide(request, rebuilt.Consents.Values));
        }
    }

    [Fact]
    public void A_missing_change_is_reported_as_a_gap_and_the_consent_stops_at_its_last_good_version()
    {
        var live = History();
        var missing = live.Log.Single(c => c.ConsentId == A && c.Version == 2);
        var withGap = live.Log.Where(c => c != missing).ToList();

        var rebuilt = ConsentProjection.Rebuild(withGap);

        Assert.False(rebuilt.IsConsistent);
        var gap = Assert.Single(rebuilt.Problems);
        Assert.Equal((ProjectionProblemKind.VersionGap, A, 3), (gap.Kind, gap.ConsentId, gap.Version));
        Assert.Equal(withGap.FindIndex(c => c.ConsentId == A && c.Version == 3), gap.Position);
        Assert.Equal(1, rebuilt.Consents[A].Version);
        var difference = Assert.Single(ConsentProjection.Compare(live.Consents.Values, rebuilt.Consents));
        Assert.Equal((A, ConsentHash.Compute(live.Consents[A]), ConsentHash.Compute(rebuilt.Consents[A])),
            (difference.ConsentId, difference.LiveHash, difference.RebuiltHash));
        foreach (var other in new[] { B, C, D })
        {
            Assert.Equal(live.Consents[other], rebuilt.Consents[other]);
        }
    }

    [Fact]
    public void A_consent_whose_grant_is_missing_is_a_gap_and_absent_from_the_rebuild()
    {
        var live = History();

        var rebuilt = ConsentProjection.Rebuild(live.Log.Where(c => !(c.ConsentId == C && c.Version == 1)));

        var gap = Assert.Single(rebuilt.Problems);
        Assert.Equal((ProjectionProblemKind.VersionGap, C, 2), (gap.Kind, gap.ConsentId, gap.Version));
        Assert.False(rebuilt.Consents.ContainsKey(C));
        var difference = Assert.Single(ConsentProjection.Compare(live.Consents.Values, rebuilt.Consents));
        Assert.Equal((C, (string?)null), (difference.ConsentId, difference.RebuiltHash));
    }

    [Fact]
    public void Swapped_versions_are_reported_and_later_changes_of_that_consent_are_skipped()
    {
        var log = History().Log.Where(c => c.ConsentId == A).ToList();

        var rebuilt = ConsentProjection.Rebuild([log[0], log[2], log[1]]);

        Assert.Equal([ProjectionProblemKind.VersionGap, ProjectionProblemKind.SkippedAfterProblem], rebuilt.Problems.Select(p => p.Kind));
        Assert.Equal(1, rebuilt.Consents[A].Version);
    }

    [Fact]
    public void A_stale_version_after_a_newer_one_is_out_of_order_and_an_exact_repeat_is_a_duplicate()
    {
        var log = History().Log.Where(c => c.ConsentId == A).ToList();

        var rebuilt = ConsentProjection.Rebuild([log[0], log[1], log[0], log[1], log[2]]);

        Assert.Equal([ProjectionProblemKind.OutOfOrder, ProjectionProblemKind.Duplicate], rebuilt.Problems.Select(p => p.Kind));
        Assert.Equal([2, 3], rebuilt.Problems.Select(p => p.Position));
        Assert.Equal(3, rebuilt.Consents[A].Version);
    }

    [Fact]
    public void A_snapshot_that_does_not_match_its_signed_hash_is_refused()
    {
        var log = History().Log;
        var index = log.FindIndex(c => c.ConsentId == B && c.Version == 2);
        var revoked = log[index].Consent;
        var tampered = PatientConsent.Restore(revoked.Id, revoked.SubjectPseudonym, revoked.Grantee, revoked.Categories, revoked.Purposes,
            revoked.ValidFrom, revoked.ValidUntil, ConsentStatus.Active, revoked.Version, revoked.CreatedAt, revoked.UpdatedAt).Value!;
        var forged = log.ToList();
        forged[index] = log[index] with { Consent = tampered };

        var rebuilt = ConsentProjection.Rebuild(forged);

        var problem = Assert.Single(rebuilt.Problems);
        Assert.Equal((ProjectionProblemKind.HashMismatch, B, index), (problem.Kind, problem.ConsentId, problem.Position));
        Assert.Equal(1, rebuilt.Consents[B].Version);
    }

    [Fact]
    public void A_correctly_hashed_narrow_that_widens_is_an_illegal_transition()
    {
        var log = History().Log;
        var index = log.FindIndex(c => c.ConsentId == A && c.Version == 2);
        var narrowed = log[index].Consent;
        var widened = PatientConsent.Restore(narrowed.Id, narrowed.SubjectPseudonym, narrowed.Grantee, [.. narrowed.Categories, RecordCategories.Genetic],
            narrowed.Purposes, narrowed.ValidFrom, narrowed.ValidUntil, narrowed.Status, narrowed.Version, narrowed.CreatedAt, narrowed.UpdatedAt).Value!;
        var forged = log.ToList();
        forged[index] = ConsentChange.Of(ConsentAction.Narrow, widened);

        var rebuilt = ConsentProjection.Rebuild(forged);

        Assert.Equal(
            [(ProjectionProblemKind.IllegalTransition, 2), (ProjectionProblemKind.SkippedAfterProblem, 3)],
            rebuilt.Problems.Select(p => (p.Kind, p.Version)));
        Assert.DoesNotContain(RecordCategories.Genetic, rebuilt.Consents[A].Categories);
    }

    [Fact]
    public void An_action_that_does_not_fit_the_version_is_an_illegal_transition()
    {
        var grant = History().Log[0];

        var asRevoke = ConsentProjection.Rebuild([grant with { Action = ConsentAction.Revoke }]);
        var grantTwice = ConsentProjection.Rebuild([grant, ConsentChange.Of(ConsentAction.Grant, Ok(grant.Consent.Revoke(Now)).Consent)]);

        Assert.Equal(ProjectionProblemKind.IllegalTransition, Assert.Single(asRevoke.Problems).Kind);
        Assert.Equal(ProjectionProblemKind.IllegalTransition, Assert.Single(grantTwice.Problems).Kind);
    }
}
