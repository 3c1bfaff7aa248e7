using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent.Core;
using Platform.Crypto.Software;
using Platform.SignedEvents;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class ConsentEventPayloadTests
{
    private static readonly Guid EventId = Guid.Parse("3d0f9a6c-5b1e-4c2d-8f7a-9e6b5c4d3a21");

    [Fact]
    public void The_payload_carries_ids_the_version_its_hash_and_the_action()
    {
        var change = Ok(Grant().Narrow([RecordCategories.Observation], null, null, null, Now.AddMinutes(1)));

        var payload = ConsentEventPayloads.For(change, EventId, Now.AddMinutes(1).AddMilliseconds(999));

        Assert.Equal(EventId, payload.EventId);
        Assert.Equal("consent", payload.Issuer);
        Assert.Equal(Now.AddMinutes(1).ToUnixTimeSeconds(), payload.IssuedAt);
        Assert.Equal(Patient, payload.Subject);
        Assert.Equal(ConsentId, payload.ConsentId);
        Assert.Equal(2, payload.ConsentVersion);
        Assert.Equal(ConsentHash.Compute(change.Consent), payload.ConsentHash);
        Assert.Equal("narrow", payload.Action);
        Assert.Null(SignedEventRules.Check(payload));
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

        var actions = changes.Select(c => ConsentEventPayloads.For(c, Guid.NewGuid(), Now))
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
            var payload = ConsentEventPayloads.For(TestConsents.Ok(Grant().Revoke(Now)), EventId, Now);

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
