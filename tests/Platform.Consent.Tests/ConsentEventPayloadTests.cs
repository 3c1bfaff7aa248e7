using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using Platform.Crypto.Software;
using Platform.SignedEvents;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class ConsentEventPayloadTests
{
    private static readonly Guid EventId = Guid.Parse("3d0f9a6c-5b1e-4c2d-8f7a-9e6b5c4d3a21");
    private static readonly byte[] Salt = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void The_payload_carries_ids_the_version_a_salted_hash_a_blinded_subject_and_the_action()
    {
        var change = Ok(Grant().Narrow([RecordCategories.Observation], null, null, null, Now.AddMinutes(1)));

        var payload = ConsentEventPayloads.For(change, Salt, EventId, Now.AddMinutes(1).AddMilliseconds(999));

        Assert.IsType<BlindedConsentEventPayload>(payload);
        Assert.Equal(EventId, payload.EventId);
        Assert.Equal("consent", payload.Issuer);
        Assert.Equal(Now.AddMinutes(1).ToUnixTimeSeconds(), payload.IssuedAt);
        Assert.Equal(ConsentId, payload.ConsentId);
        Assert.Equal(2, payload.ConsentVersion);
        Assert.Equal("narrow", payload.Action);
        Assert.Null(SignedEventRules.Check(payload));
        // Neither the patient's pseudonym nor the plain SHA-256 of the canonical form is on the ledger ...
        Assert.NotEqual(Patient, payload.Subject);
        Assert.NotEqual(ConsentHash.Compute(change.Consent), payload.ConsentHash);
        // ... but HMAC-SHA256 under the consent's salt, computed here independently, opens both.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Salt, ConsentHash.CanonicalForm(change.Consent))), payload.ConsentHash);
        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(Salt,
            System.Text.Encoding.UTF8.GetBytes("platform.ledger.id.v1\nsubject\n" + Patient))), payload.Subject);
        Assert.True(ConsentEventPayloads.Commits(payload, change.Consent, Salt));
        Assert.False(ConsentEventPayloads.Commits(payload, change.Consent, Enumerable.Repeat((byte)7, 32).ToArray()));
    }

    [Fact]
    public void Under_two_secrets_the_same_patient_and_form_share_no_ledger_value()
    {
        var first = ConsentEventPayloads.For(ConsentChange.Of(ConsentAction.Grant, Grant()), LedgerBlinding.NewSalt(), Guid.NewGuid(), Now);
        var second = ConsentEventPayloads.For(ConsentChange.Of(ConsentAction.Grant, Grant()), LedgerBlinding.NewSalt(), Guid.NewGuid(), Now);

        Assert.NotEqual(first.Subject, second.Subject);
        Assert.NotEqual(first.ConsentHash, second.ConsentHash);
    }

    [Fact]
    public void What_a_v1_hash_hides_is_found_by_trying_the_possible_consents_and_a_v2_hash_resists_it()
    {
        // The attacker of finding 4: everything but categories and purposes is known or on the ledger (ids, subject,
        // grantee, times); those two come from short code lists, so every plausible combination can be tried.
        var secret = Grant(categories: [RecordCategories.Observation, RecordCategories.MentalHealth], purposes: [PurposesOfUse.Treatment]);
        var v1 = ConsentHash.Compute(secret);
        var v2 = ConsentEventPayloads.CommittedHash(secret, LedgerBlinding.NewSalt());
        var categories = RecordCategories.All.Select(c => c.Code).ToArray();
        var purposes = PurposesOfUse.All.Select(p => p.Code).ToArray();
        var categorySets = Subsets(categories, 3).ToList();
        var purposeSets = Subsets(purposes, purposes.Length).ToList();

        var tried = 0;
        var foundV1 = new List<PatientConsent>();
        var foundV2 = new List<PatientConsent>();
        foreach (var c in categorySets)
        {
            foreach (var p in purposeSets)
            {
                var candidate = PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor), c, p, Start, End, Now);
                if (!candidate.IsSuccess)
                {
                    continue;
                }
                tried++;
                var hash = ConsentHash.Compute(candidate.Value!.Consent);
                if (hash == v1)
                {
                    foundV1.Add(candidate.Value.Consent);
                }
                if (hash == v2)
                {
                    foundV2.Add(candidate.Value.Consent);
                }
            }
        }

        Assert.True(tried > 10_000, $"tried {tried}");
        Assert.Equal(secret.Categories.Order(), Assert.Single(foundV1).Categories.Order());
        Assert.Empty(foundV2);
    }

    private static IEnumerable<string[]> Subsets(string[] codes, int maxSize)
    {
        for (var mask = 1; mask < 1 << codes.Length; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) <= maxSize)
            {
                yield return [.. codes.Where((_, i) => (mask & (1 << i)) != 0)];
            }
        }
    }

    [Fact]
    public void Every_action_yields_a_payload_the_ledger_rules_accept()
    {
        var granted = Ok(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation, RecordCategories.Allergy],
            [PurposesOfUse.Treatment], Start, End, Now));
        var changes = new[]
        {
            granted,
            Ok(granted.Consent.Narrow([RecordCategories.Allergy], null, null, null, Now)),
            Ok(granted.Consent.Revoke(Now)),
            Ok(granted.Consent.Expire(End)),
            Ok(granted.Consent.Suspend(Now)),
        };

        var actions = changes.Select(c => ConsentEventPayloads.For(c, Salt, Guid.NewGuid(), Now))
            .Select(p => (SignedEventRules.Check(p), p.Action))
            .ToList();

        Assert.All(actions, a => Assert.Null(a.Item1));
        Assert.Equal(["grant", "narrow", "revoke", "expire", "revoke"], actions.Select(a => a.Action));
    }

    [Fact]
    public async Task A_signed_consent_event_passes_the_ledger_validator()
    {
        var keyDirectory = Directory.CreateTempSubdirectory("consent-core-keys-").FullName;
        try
        {
            var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = keyDirectory }, NullLogger<SoftwareKeyProvider>.Instance);
            var key = await keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
            var payload = ConsentEventPayloads.For(TestConsents.Ok(Grant().Revoke(Now)), Salt, EventId, Now);

            var jws = await new SignedEventWriter(key).SignAsync(payload, CancellationToken.None);
            var registered = new PublisherKey("consent", key.GetPublicJwk());
            var validation = SignedEventValidator.Validate(jws, kid => kid == key.KeyId ? registered : null);

            Assert.True(validation.IsValid, validation.Reason);
            Assert.Equal(payload, validation.Payload);
        }
        finally
        {
            Directory.Delete(keyDirectory, recursive: true);
        }
    }
}
