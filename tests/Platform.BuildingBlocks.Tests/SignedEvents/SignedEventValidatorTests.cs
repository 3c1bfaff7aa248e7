using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.SignedEvents;

namespace Platform.BuildingBlocks.Tests.SignedEvents;

public sealed class SignedEventValidatorTests : IAsyncLifetime, IDisposable
{
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("signed-events-").FullName;
    private SoftwareKeyProvider _keys = null!;
    private ISigningKey _consentKey = null!;
    private ISigningKey _vaultKey = null!;
    private ISigningKey _strangerKey = null!;

    public async Task InitializeAsync()
    {
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _keyDirectory }, NullLogger<SoftwareKeyProvider>.Instance);
        _consentKey = await _keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
        _vaultKey = await _keys.GetSigningKeyAsync("vault-events", CancellationToken.None);
        _strangerKey = await _keys.GetSigningKeyAsync("stranger", CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _keys.Dispose();
        Directory.Delete(_keyDirectory, recursive: true);
    }

    private PublisherKey? Registry(string kid) =>
        kid == _consentKey.KeyId ? new PublisherKey("consent", _consentKey.GetPublicJwk())
        : kid == _vaultKey.KeyId ? new PublisherKey("record-vault", _vaultKey.GetPublicJwk())
        : null;

    private static ConsentEventPayload Consent() => new()
    {
        EventId = Guid.NewGuid(),
        Issuer = "consent",
        IssuedAt = 1_800_000_000,
        Subject = "pseud-7f3a9c21",
        ConsentId = Guid.NewGuid(),
        ConsentVersion = 2,
        ConsentHash = new string('a', 64),
        Action = "grant",
    };

    private static AccessEventPayload Access() => new()
    {
        EventId = Guid.NewGuid(),
        Issuer = "record-vault",
        IssuedAt = 1_800_000_000,
        Subject = "pseud-7f3a9c21",
        Actor = "clin-0042aa77",
        RecordHash = new string('b', 64),
        DecisionId = Guid.NewGuid(),
        Action = "read",
        Outcome = "permit",
    };

    [Fact]
    public async Task Blinded_v2_events_round_trip_with_their_own_type_and_only_their_publisher_may_sign_them()
    {
        var salt = LedgerBlinding.NewSalt();
        var consent = new BlindedConsentEventPayload
        {
            EventId = Guid.NewGuid(), Issuer = "consent", IssuedAt = 1_800_000_000,
            Subject = LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, "pseud-7f3a9c21"),
            ConsentId = Guid.NewGuid(), ConsentVersion = 1, ConsentHash = LedgerBlinding.Hash(salt, "{}"u8), Action = "grant",
        };
        var access = new BlindedAccessEventPayload
        {
            EventId = Guid.NewGuid(), Issuer = "record-vault", IssuedAt = 1_800_000_000,
            Subject = LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, "pseud-7f3a9c21"),
            Actor = LedgerBlinding.Identifier(salt, LedgerBlinding.ActorRole, "clin-0042aa77"),
            RecordHash = LedgerBlinding.RecordHash(salt, new string('b', 64)), DecisionId = Guid.NewGuid(), Action = "read", Outcome = "deny",
        };

        var consentJws = await new SignedEventWriter(_consentKey).SignAsync(consent, CancellationToken.None);
        var accessJws = await new SignedEventWriter(_vaultKey).SignAsync(access, CancellationToken.None);

        Assert.Contains("\"type\":\"consent.changed.v2\"", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(consentJws.Split('.')[1])), StringComparison.Ordinal);
        Assert.Equal(consent, Assert.IsType<BlindedConsentEventPayload>(SignedEventValidator.Validate(consentJws, Registry).Payload));
        Assert.Equal(access, Assert.IsType<BlindedAccessEventPayload>(SignedEventValidator.Validate(accessJws, Registry).Payload));
        // A blinded identifier is 43 base64url characters: still a valid pseudonym, never the pseudonym itself.
        Assert.Equal(43, access.Subject.Length);
        Assert.NotEqual(access.Subject, access.Actor);
        // The vault may not publish consent events in either format.
        var forged = await new SignedEventWriter(_vaultKey).SignAsync(consent with { Issuer = "record-vault" }, CancellationToken.None);
        Assert.Equal("type_not_allowed", SignedEventValidator.Validate(forged, Registry).ErrorCode);
    }

    [Fact]
    public async Task A_research_credit_is_blinded_only_the_consent_service_may_sign_it_and_it_carries_nothing_else()
    {
        var salt = LedgerBlinding.NewSalt();
        var credit = new ResearchCreditEventPayload
        {
            EventId = Guid.NewGuid(), Issuer = "consent", IssuedAt = 1_800_000_000,
            Subject = LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, "pseud-7f3a9c21"),
            CreditHash = LedgerBlinding.Hash(salt, "{}"u8),
        };

        var jws = await new SignedEventWriter(_consentKey).SignAsync(credit, CancellationToken.None);

        Assert.Contains("\"type\":\"research.credited\"", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jws.Split('.')[1])), StringComparison.Ordinal);
        Assert.Equal(credit, Assert.IsType<ResearchCreditEventPayload>(SignedEventValidator.Validate(jws, Registry).Payload));
        // The vault may not credit anyone.
        var forged = await new SignedEventWriter(_vaultKey).SignAsync(credit with { Issuer = "record-vault" }, CancellationToken.None);
        Assert.Equal("type_not_allowed", SignedEventValidator.Validate(forged, Registry).ErrorCode);
        // A plain pseudonym is not a blinded identifier: the writer will not sign it.
        await Assert.ThrowsAsync<ArgumentException>(() => new SignedEventWriter(_consentKey).SignAsync(credit with { Subject = "pseud-7f3a9c21" }, CancellationToken.None));
    }

    [Fact]
    public async Task A_consent_event_signed_by_the_consent_service_is_accepted()
    {
        var payload = Consent();
        var jws = await new SignedEventWriter(_consentKey).SignAsync(payload, CancellationToken.None);

        var result = SignedEventValidator.Validate(jws, Registry);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(payload, result.Payload);
    }

    [Fact]
    public async Task An_access_event_signed_by_the_vault_is_accepted()
    {
        var payload = Access();
        var result = SignedEventValidator.Validate(await new SignedEventWriter(_vaultKey).SignAsync(payload, CancellationToken.None), Registry);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(payload, result.Payload);
    }

    [Theory]
    [InlineData("not-a-jws", "malformed_jws")]
    [InlineData("a.b", "malformed_jws")]
    [InlineData("a..c", "malformed_jws")]
    [InlineData("***.***.***", "malformed_jws")]
    public void Text_that_is_not_a_compact_jws_is_refused(string jws, string code)
    {
        Assert.Equal(code, SignedEventValidator.Validate(jws, Registry).ErrorCode);
    }

    [Fact]
    public async Task An_oversized_event_is_refused_before_parsing()
    {
        var jws = await new SignedEventWriter(_consentKey).SignAsync(Consent(), CancellationToken.None);
        var padded = jws + new string('A', SignedEventRules.MaxJwsLength);
        Assert.Equal("too_large", SignedEventValidator.Validate(padded, Registry).ErrorCode);
    }

    [Fact]
    public async Task An_unknown_key_is_refused()
    {
        var jws = await new SignedEventWriter(_strangerKey).SignAsync(Consent(), CancellationToken.None);
        Assert.Equal("unknown_key", SignedEventValidator.Validate(jws, Registry).ErrorCode);
    }

    [Fact]
    public async Task A_signature_by_another_key_under_a_registered_kid_is_refused()
    {
        var genuine = await new SignedEventWriter(_consentKey).SignAsync(Consent(), CancellationToken.None);
        var forged = await new SignedEventWriter(_strangerKey).SignAsync(Consent(), CancellationToken.None);
        var parts = genuine.Split('.');
        var forgedParts = forged.Split('.');
        // The genuine header (registered kid) over a payload signed with the stranger's key.
        var forgery = parts[0] + "." + forgedParts[1] + "." + forgedParts[2];
        Assert.Equal("bad_signature", SignedEventValidator.Validate(forgery, Registry).ErrorCode);
    }

    [Fact]
    public async Task A_payload_changed_after_signing_is_refused()
    {
        var jws = await new SignedEventWriter(_consentKey).SignAsync(Consent(), CancellationToken.None);
        var parts = jws.Split('.');
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        payload["action"] = "revoke";
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
        Assert.Equal("bad_signature", SignedEventValidator.Validate(tampered, Registry).ErrorCode);
    }

    [Fact]
    public async Task A_header_with_another_algorithm_is_refused()
    {
        var jws = await new SignedEventWriter(_consentKey).SignAsync(Consent(), CancellationToken.None);
        var parts = jws.Split('.');
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"none","typ":"platform-event+jws","kid":"{{_consentKey.KeyId}}"}"""));
        Assert.Equal("malformed_jws", SignedEventValidator.Validate(header + "." + parts[1] + "." + parts[2], Registry).ErrorCode);
    }

    public static TheoryData<string, string> ForgedPayloads => new()
    {
        // A field outside the contract (the way personal data would sneak in) is refused, not ignored.
        { """{"type":"consent.changed","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"pseud-7f3a9c21","consentId":"3f2504e0-4f89-11d3-9a0c-0305e82c3302","consentVersion":1,"consentHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","action":"grant","patientName":"Jane Doe"}""", "malformed_payload" },
        // A repeated member could hide a second value from one parser.
        { """{"type":"consent.changed","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"pseud-7f3a9c21","subject":"other-pseudonym","consentId":"3f2504e0-4f89-11d3-9a0c-0305e82c3302","consentVersion":1,"consentHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","action":"grant"}""", "malformed_payload" },
        { """{"type":"consent.changed","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"pseud-7f3a9c21","consentVersion":1,"consentHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","action":"grant"}""", "malformed_payload" },
        { """{"type":"weather.report","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}""", "malformed_payload" },
        { """{"eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}""", "malformed_payload" },
        { """[1,2]""", "malformed_payload" },
        { """{"type":"consent.changed","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"jane.doe@example.org","consentId":"3f2504e0-4f89-11d3-9a0c-0305e82c3302","consentVersion":1,"consentHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","action":"grant"}""", "rule_violation" },
        { """{"type":"consent.changed","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"pseud-7f3a9c21","consentId":"3f2504e0-4f89-11d3-9a0c-0305e82c3302","consentVersion":1,"consentHash":"Diagnosis: HIV positive","action":"grant"}""", "rule_violation" },
        { """{"type":"consent.changed","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"record-vault","issuedAt":1800000000,"subject":"pseud-7f3a9c21","consentId":"3f2504e0-4f89-11d3-9a0c-0305e82c3302","consentVersion":1,"consentHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","action":"grant"}""", "issuer_mismatch" },
        // A research credit with its amount or study in clear, or a subject that is not blinded, is refused.
        { """{"type":"research.credited","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"q3J8ZmFrZS1ibGluZGVkLWlkZW50aWZpZXItNDNjaGF","creditHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amountMinor":2500}""", "malformed_payload" },
        { """{"type":"research.credited","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"q3J8ZmFrZS1ibGluZGVkLWlkZW50aWZpZXItNDNjaGF","creditHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","studyId":"3f2504e0-4f89-11d3-9a0c-0305e82c3302"}""", "malformed_payload" },
        { """{"type":"research.credited","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"9f3e5d0c1b2a48d7a6e5f4c3b2a19080","creditHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "rule_violation" },
        { """{"type":"research.credited","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"q3J8ZmFrZS1ibGluZGVkLWlkZW50aWZpZXItNDNjaGF","creditHash":"2500 EUR"}""", "rule_violation" },
        { """{"type":"access.recorded","eventId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","issuer":"consent","issuedAt":1800000000,"subject":"pseud-7f3a9c21","actor":"clin-0042aa77","recordHash":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","decisionId":"3f2504e0-4f89-11d3-9a0c-0305e82c3303","action":"read","outcome":"permit"}""", "type_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(ForgedPayloads))]
    public async Task A_validly_signed_payload_that_breaks_the_contract_is_refused(string payloadJson, string expectedCode)
    {
        // Signed correctly by the consent service's key, so only the payload rules can refuse it.
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"ES256","typ":"platform-event+jws","kid":"{{_consentKey.KeyId}}"}"""));
        var input = header + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson));
        var signature = await _consentKey.SignAsync(Encoding.ASCII.GetBytes(input), CancellationToken.None);

        var result = SignedEventValidator.Validate(input + "." + Base64Url.EncodeToString(signature), Registry);

        Assert.False(result.IsValid);
        Assert.Equal(expectedCode, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.DoesNotContain("Jane", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_writer_refuses_to_sign_a_payload_that_breaks_a_rule()
    {
        var bad = Consent() with { Subject = "Jane Doe" };
        await Assert.ThrowsAsync<ArgumentException>(() => new SignedEventWriter(_consentKey).SignAsync(bad, CancellationToken.None));
    }
}
