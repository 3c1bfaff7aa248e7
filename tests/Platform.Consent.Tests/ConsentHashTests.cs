using System.Security.Cryptography;
using System.Text;
using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using Platform.SignedEvents;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class ConsentHashTests
{
    /// <summary>Every field of a consent version, so a test can change exactly one.</summary>
    private sealed record Fields(
        Guid Id,
        string Subject,
        Grantee Grantee,
        string[] Categories,
        string[] Purposes,
        DateTimeOffset ValidFrom,
        DateTimeOffset? ValidUntil,
        ConsentStatus Status,
        int Version,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt)
    {
        public PatientConsent Restore()
        {
            var result = PatientConsent.Restore(Id, Subject, Grantee, Categories, Purposes, ValidFrom, ValidUntil, Status, Version, CreatedAt, UpdatedAt);
            Assert.True(result.IsSuccess, result.ToString());
            return result.Value;
        }
    }

    private static readonly Fields Baseline = new(
        ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation, RecordCategories.Medication], [PurposesOfUse.Treatment],
        Start, End, ConsentStatus.Active, 1, Now, Now);

    [Fact]
    public void The_canonical_form_is_the_documented_one()
    {
        var expected = """
            {"format":"platform.consent.v1","id":"6f1c2b7e-0d3a-4b8e-9c51-2a7d4e8f0b13","subject":"patient-0001",
            "grantee":{"kind":"practitioner","id":"doctor-0001"},"categories":["medication","observation"],"purposes":["TREAT"],
            "validFrom":"2025-03-01T09:00:00.000Z","validUntil":"2025-03-01T10:00:00.000Z","status":"active","version":1,
            "createdAt":"2025-03-01T09:00:00.000Z","updatedAt":"2025-03-01T09:00:00.000Z"}
            """.ReplaceLineEndings("");
        var consent = Grant();

        Assert.Equal(expected, Encoding.UTF8.GetString(ConsentHash.CanonicalForm(consent)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected))), ConsentHash.Compute(consent));
    }

    [Fact]
    public void An_open_end_is_written_as_null()
    {
        var form = Encoding.UTF8.GetString(ConsentHash.CanonicalForm(Grant(openEnded: true)));

        Assert.Contains("\"validUntil\":null,", form, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_consent_always_has_the_same_hash()
    {
        var granted = Grant();
        var restored = (Baseline with
        {
            Categories = [RecordCategories.Medication, RecordCategories.Observation, RecordCategories.Medication],
            ValidFrom = Start.ToOffset(TimeSpan.FromHours(-5)),
            CreatedAt = Now.ToOffset(TimeSpan.FromHours(9)),
        }).Restore();

        var hash = ConsentHash.Compute(granted);

        Assert.Equal(hash, ConsentHash.Compute(granted));
        Assert.Equal(hash, ConsentHash.Compute(restored));
        Assert.Equal(granted, restored);
        Assert.Matches(SignedEventRules.Sha256Hex(), hash);
    }

    public static TheoryData<string> FieldChanges => new(Mutations.Keys);

    private static readonly Dictionary<string, Func<Fields, Fields>> Mutations = new()
    {
        ["id"] = f => f with { Id = Guid.Parse("00000000-0000-0000-0000-000000000001") },
        ["subject"] = f => f with { Subject = OtherPatient },
        ["grantee kind"] = f => f with { Grantee = Grantee.Organization(Doctor) },
        ["grantee id"] = f => f with { Grantee = Grantee.Practitioner(OtherDoctor) },
        ["category added"] = f => f with { Categories = [.. f.Categories, RecordCategories.Allergy] },
        ["category removed"] = f => f with { Categories = [RecordCategories.Observation] },
        ["category replaced"] = f => f with { Categories = [RecordCategories.Observation, RecordCategories.MentalHealth] },
        ["purpose added"] = f => f with { Purposes = [.. f.Purposes, PurposesOfUse.HealthcareResearch] },
        ["purpose replaced"] = f => f with { Purposes = [PurposesOfUse.EmergencyTreatment] },
        ["valid from"] = f => f with { ValidFrom = f.ValidFrom.AddMilliseconds(1) },
        ["valid until"] = f => f with { ValidUntil = f.ValidUntil!.Value.AddMilliseconds(-1) },
        ["valid until removed"] = f => f with { ValidUntil = null },
        ["status revoked"] = f => f with { Status = ConsentStatus.Revoked },
        ["status expired"] = f => f with { Status = ConsentStatus.Expired },
        ["status suspended"] = f => f with { Status = ConsentStatus.Suspended },
        ["version"] = f => f with { Version = 2 },
        ["created at"] = f => f with { CreatedAt = f.CreatedAt.AddMilliseconds(-1) },
        ["updated at"] = f => f with { UpdatedAt = f.UpdatedAt.AddMilliseconds(1) },
    };

    [Theory]
    [MemberData(nameof(FieldChanges))]
    public void Changing_any_one_field_changes_the_hash(string field)
    {
        var baseline = Baseline.Restore();
        var changed = Mutations[field](Baseline).Restore();

        Assert.NotEqual(ConsentHash.Compute(baseline), ConsentHash.Compute(changed));
        Assert.False(ConsentHash.Matches(changed, ConsentHash.Compute(baseline)));
        Assert.NotEqual(baseline, changed);
    }

    [Fact]
    public void Every_field_change_gives_a_distinct_hash()
    {
        var hashes = Mutations.Values.Select(m => ConsentHash.Compute(m(Baseline).Restore())).Append(ConsentHash.Compute(Baseline.Restore()));

        Assert.Equal(Mutations.Count + 1, hashes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_consent_matches_only_its_own_hash()
    {
        var consent = Grant();
        var hash = ConsentHash.Compute(consent);

        Assert.True(ConsentHash.Matches(consent, hash));
        Assert.False(ConsentHash.Matches(consent, hash.ToUpperInvariant()));
        Assert.False(ConsentHash.Matches(consent, null));
        Assert.False(ConsentHash.Matches(Ok(consent.Revoke(Now)).Consent, hash));
    }
}
