using Platform.RecordVault.Core.Research;

namespace Platform.RecordVault.Tests.Research;

public sealed class StudyPseudonymsTests
{
    [Fact]
    public void A_participant_has_one_pseudonym_per_study_and_studies_cannot_link_them()
    {
        using var a = ResearchFixtures.Study("study-a");
        using var aAgain = ResearchFixtures.Study("study-a");
        using var b = ResearchFixtures.Study("study-b");

        Assert.Equal(a.Participant("synthetic-patient-0001"), aAgain.Participant("synthetic-patient-0001"));
        Assert.NotEqual(a.Participant("synthetic-patient-0001"), b.Participant("synthetic-patient-0001"));
        Assert.NotEqual(a.ResourceId("Observation", "obs-1"), b.ResourceId("Observation", "obs-1"));
        Assert.NotEqual(a.Uid("1.2.3"), b.Uid("1.2.3"));
        Assert.Matches("^[0-9a-f]{32}$", a.Participant("synthetic-patient-0001"));
    }

    [Fact]
    public void Another_master_key_gives_other_pseudonyms_so_the_study_id_alone_reveals_nothing()
    {
        using var ours = ResearchFixtures.Study("study-a");
        using var other = new StudyPseudonyms(Enumerable.Repeat((byte)7, 32).ToArray(), "study-a");

        Assert.NotEqual(ours.Participant("synthetic-patient-0001"), other.Participant("synthetic-patient-0001"));
    }

    [Fact]
    public void Kinds_are_separated_so_a_participant_pseudonym_is_not_a_resource_id()
    {
        using var study = ResearchFixtures.Study();

        Assert.NotEqual(study.Participant("x-12345678"), study.ResourceId("Patient", "x-12345678")[..32]);
    }

    [Fact]
    public void Date_offsets_are_never_zero_and_stay_within_half_a_year()
    {
        using var study = ResearchFixtures.Study();
        var offsets = Enumerable.Range(0, 2000).Select(i => study.DateShiftDays("patient-" + i)).ToList();

        Assert.All(offsets, d => Assert.InRange(Math.Abs(d), 1, StudyPseudonyms.MaxDateShiftDays));
        Assert.Contains(offsets, d => d < 0);
        Assert.Contains(offsets, d => d > 0);
        Assert.True(offsets.Distinct().Count() > 300, "offsets spread over the range");
    }

    [Fact]
    public void Dicom_uids_become_valid_uuid_derived_oids()
    {
        using var study = ResearchFixtures.Study();
        var uid = study.Uid("1.2.840.99999.2.7");

        Assert.Matches(@"^2\.25\.(0|[1-9][0-9]{0,38})$", uid);
        Assert.InRange(uid.Length, 6, 64);
    }

    [Fact]
    public void A_short_master_key_and_use_after_dispose_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new StudyPseudonyms(new byte[31], "study-a"));
        var study = ResearchFixtures.Study();
        study.Dispose();
        Assert.Throws<ObjectDisposedException>(() => study.Participant("synthetic-patient-0001"));
    }
}
