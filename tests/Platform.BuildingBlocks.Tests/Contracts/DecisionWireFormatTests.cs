using System.Text;
using System.Text.Json;
using Platform.Contracts.Decisions;

namespace Platform.BuildingBlocks.Tests.Contracts;

/// <summary>
/// Issue 23 item 1: the typed decision contract puts on the wire exactly what the untyped one did and what
/// docs/consent.md documents (<c>{subject, actor, actorKind, category, purpose, action, breakGlass}</c> and
/// <c>{decisionId, decision, reason, consentId, consentVersion}</c>), byte for byte, so other clients keep working.
/// </summary>
public sealed class DecisionWireFormatTests
{
    [Theory]
    [InlineData("patient-0001", "clinician-01", "observation", "TREAT", "access", false)]
    [InlineData("Pat_ient-ä", "clinician<&>", "mental-health", "ETREAT", "access", true)]
    [InlineData("patient-0002", "clinician-02", "condition", "TREAT", "correct", false)]
    public void The_typed_body_is_the_bytes_the_vault_sent_before(string subject, string actor, string category, string purpose, string action, bool breakGlass)
    {
        // What RecordVault's ConsentDecisionClient wrote before the contract was typed: an anonymous object, default options.
        var before = JsonSerializer.SerializeToUtf8Bytes(new { subject, actor, actorKind = "practitioner", category, purpose, action, breakGlass });

        var typed = JsonSerializer.SerializeToUtf8Bytes(
            new DecisionBody(subject, actor, "practitioner", category, purpose, action, breakGlass), DecisionJsonContext.Default.DecisionBody);

        Assert.Equal(Encoding.UTF8.GetString(before), Encoding.UTF8.GetString(typed));
    }

    [Fact]
    public void The_typed_body_has_the_documented_shape()
    {
        var json = JsonSerializer.Serialize(
            new DecisionBody("patient-0001", "clinician-01", "practitioner", "observation", "TREAT", "access", BreakGlass: true), DecisionJsonContext.Default.DecisionBody);

        Assert.Equal("""{"subject":"patient-0001","actor":"clinician-01","actorKind":"practitioner","category":"observation","purpose":"TREAT","action":"access","breakGlass":true}""", json);
    }

    [Fact]
    public void Older_bodies_still_bind_and_actorIsClinician_is_read_but_never_written_unless_set()
    {
        var old = JsonSerializer.Deserialize(
            """{"subject":"patient-0001","actor":"clinician-01","category":"observation","purpose":"TREAT","actorIsClinician":true}""", DecisionJsonContext.Default.DecisionBody)!;

        Assert.Equal(new DecisionBody("patient-0001", "clinician-01", null, "observation", "TREAT", null, false, ActorIsClinician: true), old);
        Assert.Contains("\"actorIsClinician\":true", JsonSerializer.Serialize(old, DecisionJsonContext.Default.DecisionBody), StringComparison.Ordinal);
    }

    [Fact]
    public void The_typed_answer_has_the_documented_shape_both_ways()
    {
        var permit = new DecisionResponse(Guid.Parse("6f1c2d4e-0000-4000-8000-000000000001"), DecisionOutcomes.Permit, "consent_permits",
            Guid.Parse("6f1c2d4e-0000-4000-8000-000000000002"), 3);
        var deny = new DecisionResponse(Guid.Parse("6f1c2d4e-0000-4000-8000-000000000003"), DecisionOutcomes.Deny, "no_consent", null, null);
        const string permitJson = """{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","decision":"permit","reason":"consent_permits","consentId":"6f1c2d4e-0000-4000-8000-000000000002","consentVersion":3}""";
        const string denyJson = """{"decisionId":"6f1c2d4e-0000-4000-8000-000000000003","decision":"deny","reason":"no_consent","consentId":null,"consentVersion":null}""";

        Assert.Equal(permitJson, JsonSerializer.Serialize(permit, DecisionJsonContext.Default.DecisionResponse));
        Assert.Equal(denyJson, JsonSerializer.Serialize(deny, DecisionJsonContext.Default.DecisionResponse));
        Assert.Equal(permit, JsonSerializer.Deserialize(permitJson, DecisionJsonContext.Default.DecisionResponse));
        Assert.Equal(deny, JsonSerializer.Deserialize(denyJson, DecisionJsonContext.Default.DecisionResponse));
    }

    [Theory]
    [InlineData(DecisionOutcomes.Permit, true, true)]
    [InlineData(DecisionOutcomes.BreakGlass, true, true)]
    [InlineData(DecisionOutcomes.Deny, true, false)]
    [InlineData("maybe", false, false)]
    [InlineData("Permit", false, false)]
    public void Only_the_three_outcomes_decide_and_only_permit_and_break_glass_let_the_access_go(string outcome, bool wellFormed, bool permits)
    {
        var answer = new DecisionResponse(Guid.NewGuid(), outcome, "a_reason", null, null);

        Assert.Equal((wellFormed, permits), (answer.IsWellFormed, answer.Permits));
    }

    [Theory]
    [InlineData("""{"decision":"permit","reason":"x"}""")]
    [InlineData("""{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","decision":"permit"}""")]
    [InlineData("""{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","reason":"x"}""")]
    public void An_answer_missing_a_property_is_not_well_formed(string json)
    {
        Assert.False(JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionResponse)!.IsWellFormed);
    }

    [Theory]
    [InlineData("""{"decisionId":"not-a-guid","decision":"permit","reason":"x"}""")]
    [InlineData("""{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","decision":1,"reason":"x"}""")]
    public void An_answer_with_a_wrong_type_does_not_parse(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionResponse));
    }
}
