using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;
using R4 = Hl7.Fhir.Model;

namespace Platform.Consent.Tests;

public sealed class ConsentFhirExporterTests
{
    private static readonly FhirJsonDeserializer StrictParser = new(new DeserializerSettings());
    private static readonly FhirJsonSerializer Serializer = new();

    private static R4.Consent RoundTrip(PatientConsent consent, out string json)
    {
        json = ConsentFhirExporter.ToJson(consent);
        var parsed = StrictParser.Deserialize<R4.Consent>(json);
        Assert.Empty(parsed.Validate());
        // R4 Consent invariants ppc-1 (a policy or policy rule) and ppc-2 (a privacy consent names its patient).
        Assert.True(parsed.IsTrue("policy.exists() or policyRule.exists()"));
        Assert.True(parsed.IsTrue("patient.exists() or scope.coding.where(code='patient-privacy').exists().not()"));
        return parsed;
    }

    [Fact]
    public void The_export_parses_back_as_a_valid_R4_consent_with_every_field()
    {
        var consent = Grant(categories: [RecordCategories.Observation, RecordCategories.Medication, RecordCategories.MentalHealth],
            purposes: [PurposesOfUse.Treatment, PurposesOfUse.EmergencyTreatment]);

        var parsed = RoundTrip(consent, out var json);

        Assert.Equal(json, Serializer.SerializeToString(parsed));
        Assert.Equal(consent.Id.ToString("D"), parsed.Id);
        Assert.Equal("1", parsed.Meta!.VersionId);
        Assert.Equal(R4.Consent.ConsentState.Active, parsed.Status);
        Assert.Equal("patient-privacy", Assert.Single(parsed.Scope!.Coding).Code);
        Assert.Equal("59284-0", Assert.Single(Assert.Single(parsed.Category).Coding).Code);
        Assert.Equal((ConsentFhirExporter.PatientPseudonymSystem, Patient), (parsed.Patient!.Identifier!.System, parsed.Patient.Identifier.Value));
        Assert.Equal("OPTIN", Assert.Single(parsed.PolicyRule!.Coding).Code);

        Assert.Equal(R4.Consent.ConsentProvisionType.Deny, parsed.Provision!.Type);
        Assert.Equal(2, parsed.Provision.Provision.Count);
        foreach (var permit in parsed.Provision.Provision)
        {
            Assert.Equal(R4.Consent.ConsentProvisionType.Permit, permit.Type);
            var actor = Assert.Single(permit.Actor);
            Assert.Equal(("Practitioner", ConsentFhirExporter.PractitionerPseudonymSystem, Doctor),
                (actor.Reference!.Type, actor.Reference.Identifier!.System, actor.Reference.Identifier.Value));
            Assert.Equal(["ETREAT", "TREAT"], permit.Purpose.Select(p => p.Code).Order(StringComparer.Ordinal));
            Assert.All(permit.Purpose, p => Assert.Equal(PurposesOfUse.System, p.System));
            Assert.Equal(consent.ValidFrom, DateTimeOffset.Parse(permit.Period!.Start!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(consent.ValidUntil, DateTimeOffset.Parse(permit.Period.End!, System.Globalization.CultureInfo.InvariantCulture));
        }
        var ordinary = parsed.Provision.Provision[0];
        Assert.Equal(
            ["MedicationAdministration", "MedicationDispense", "MedicationRequest", "MedicationStatement", "Observation"],
            ordinary.Class.Select(c => c.Code).Order(StringComparer.Ordinal));
        Assert.Empty(ordinary.SecurityLabel);
        var sensitive = parsed.Provision.Provision[1];
        Assert.Empty(sensitive.Class);
        var label = Assert.Single(sensitive.SecurityLabel);
        Assert.Equal((RecordCategories.ActCodeSystem, "MH"), (label.System, label.Code));
    }

    [Fact]
    public void Every_permit_provision_carries_the_consent_actions_as_consentaction_codes()
    {
        var readOnly = RoundTrip(Grant(categories: [RecordCategories.Observation, RecordCategories.MentalHealth]), out _);
        var readWrite = RoundTrip(Grant(categories: [RecordCategories.Observation, RecordCategories.MentalHealth],
            actions: [ProvisionActions.Access, ProvisionActions.Correct]), out _);

        Assert.All(readOnly.Provision!.Provision, permit =>
            Assert.Equal([(ProvisionActions.System, "access")], permit.Action.Select(a => (Assert.Single(a.Coding).System, a.Coding[0].Code))));
        Assert.All(readWrite.Provision!.Provision, permit =>
            Assert.Equal(["access", "correct"], permit.Action.Select(a => Assert.Single(a.Coding).Code)));
    }

    [Theory]
    [InlineData(ConsentAction.Revoke)]
    [InlineData(ConsentAction.Expire)]
    [InlineData(ConsentAction.Suspend)]
    public void A_consent_that_stopped_is_exported_as_inactive(ConsentAction action)
    {
        var granted = Grant();
        var stopped = Ok(action switch
        {
            ConsentAction.Revoke => granted.Revoke(Now),
            ConsentAction.Expire => granted.Expire(End),
            _ => granted.Suspend(Now),
        }).Consent;

        var parsed = RoundTrip(stopped, out _);

        Assert.Equal(R4.Consent.ConsentState.Inactive, parsed.Status);
        Assert.Equal("2", parsed.Meta!.VersionId);
    }

    [Fact]
    public void An_open_ended_organisation_grant_of_only_sensitive_categories()
    {
        var consent = Grant(categories: [RecordCategories.Genetic, RecordCategories.SubstanceUse], grantee: Grantee.Organization(Hospital), openEnded: true);

        var parsed = RoundTrip(consent, out var json);

        Assert.Equal(2, parsed.Provision!.Provision.Count);
        Assert.All(parsed.Provision.Provision, p =>
        {
            Assert.Empty(p.Class);
            Assert.Null(p.Period!.End);
            Assert.Equal(("Organization", ConsentFhirExporter.OrganizationPseudonymSystem), (p.Actor[0].Reference!.Type, p.Actor[0].Reference!.Identifier!.System));
        });
        Assert.Equal(["ETH", "GDIS"], parsed.Provision.Provision.Select(p => p.SecurityLabel.Single().Code).Order(StringComparer.Ordinal));
        // Parties are named by identifier only: no literal reference (a resource id or URL) appears anywhere.
        Assert.DoesNotContain("\"reference\":\"", json, StringComparison.Ordinal);
        Assert.Contains(Hospital, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Millisecond_times_survive_the_export()
    {
        var consent = Grant(from: Start.AddMilliseconds(250), until: End.AddMilliseconds(750));

        var permit = RoundTrip(consent, out var json).Provision!.Provision.Single();

        Assert.Contains("\"start\":\"2025-03-01T09:00:00.250Z\"", json, StringComparison.Ordinal);
        Assert.Equal(consent.ValidUntil, DateTimeOffset.Parse(permit.Period!.End!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_strict_parser_used_for_the_round_trip_does_refuse_an_invalid_consent()
    {
        var json = ConsentFhirExporter.ToJson(Grant());
        Assert.Contains("\"status\":\"active\",", json, StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => StrictParser.Deserialize<R4.Consent>(json.Replace("\"status\":\"active\",", "", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => StrictParser.Deserialize<R4.Consent>(json.Replace("\"status\":\"active\"", "\"status\":\"revoked\"", StringComparison.Ordinal)));
    }
}
