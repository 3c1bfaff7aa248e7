using System.Globalization;
using Hl7.Fhir.Model;
using Platform.RecordVault.Text;
using Platform.WebUi.Text;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// A FHIR resource as a person reads it: what it is (<see cref="Title"/>), its result or state (<see cref="Value"/>),
/// when (<see cref="When"/>), and a few labelled details. Only what the resource says is shown, never guessed; a
/// resource type without a rendering here still gets its type and date.
/// </summary>
public sealed record RecordSummary(string Title, string? Value, string? When, IReadOnlyList<(string Label, string Text)> Details)
{
    public static RecordSummary Of(R4.Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource switch
        {
            Observation o => new(Concept(o.Code) ?? PatientPortalText.Get("SummaryObservation"), ObservationValue(o), Moment(o.Effective),
                Labelled((PatientPortalText.Get("LabelStatus"), Words(o.Status)), (PatientPortalText.Get("LabelComponents"), Components(o)), (PatientPortalText.Get("LabelInterpretation"), string.Join(", ", o.Interpretation.Select(Concept).OfType<string>())))),
            Condition c => new(Concept(c.Code) ?? PatientPortalText.Get("SummaryCondition"), Concept(c.ClinicalStatus), Moment(c.Onset) ?? Moment(c.RecordedDateElement),
                Labelled((PatientPortalText.Get("LabelVerification"), Concept(c.VerificationStatus)), (PatientPortalText.Get("LabelSeverity"), Concept(c.Severity)))),
            MedicationStatement m => new(Concept(m.Medication as CodeableConcept) ?? PatientPortalText.Get("SummaryMedication"), Words(m.Status), Moment(m.Effective) ?? Moment(m.DateAssertedElement),
                Labelled((PatientPortalText.Get("LabelDose"), string.Join("; ", m.Dosage.Select(d => d.Text).OfType<string>())))),
            MedicationRequest m => new(Concept(m.Medication as CodeableConcept) ?? PatientPortalText.Get("SummaryMedication"), Words(m.Status), Moment(m.AuthoredOnElement),
                Labelled((PatientPortalText.Get("LabelDose"), string.Join("; ", m.DosageInstruction.Select(d => d.Text).OfType<string>())), (PatientPortalText.Get("LabelIntent"), Words(m.Intent)))),
            Immunization i => new(Concept(i.VaccineCode) ?? PatientPortalText.Get("SummaryImmunisation"), Words(i.Status), Moment(i.Occurrence),
                Labelled((PatientPortalText.Get("LabelLot"), i.LotNumber), (PatientPortalText.Get("LabelDose"), i.DoseQuantity is { } q ? Quantity(q) : null))),
            AllergyIntolerance a => new(Concept(a.Code) ?? PatientPortalText.Get("SummaryAllergy"), Concept(a.ClinicalStatus), Moment(a.Onset) ?? Moment(a.RecordedDateElement),
                Labelled((PatientPortalText.Get("LabelReaction"), string.Join("; ", a.Reaction.SelectMany(r => r.Manifestation).Select(Concept).OfType<string>())), (PatientPortalText.Get("LabelCriticality"), Words(a.Criticality)))),
            Procedure p => new(Concept(p.Code) ?? PatientPortalText.Get("SummaryProcedure"), Words(p.Status), Moment(p.Performed), Labelled()),
            DiagnosticReport d => new(Concept(d.Code) ?? PatientPortalText.Get("SummaryDiagnosticreport"), d.Conclusion ?? Words(d.Status), Moment(d.Effective) ?? Moment(d.IssuedElement), Labelled()),
            DocumentReference d => new(d.Description ?? Concept(d.Type) ?? PatientPortalText.Get("SummaryDocument"), Words(d.Status), Moment(d.DateElement),
                Labelled((PatientPortalText.Get("LabelAttachments"), string.Join(", ", d.Content.Select(c => c.Attachment?.Title ?? c.Attachment?.ContentType).OfType<string>())))),
            _ => new(resource.TypeName, null, null, Labelled()),
        };
    }

    private static string? ObservationValue(Observation o) => o.Value switch
    {
        R4.Quantity q => Quantity(q),
        FhirString s => s.Value,
        CodeableConcept c => Concept(c),
        FhirBoolean b => b.Value is true ? PatientPortalText.Get("Yes") : b.Value is false ? PatientPortalText.Get("No") : null,
        Integer n => n.Value?.ToString(CultureInfo.InvariantCulture),
        R4.Range r => $"{(r.Low is { } low ? Quantity(low) : "")} – {(r.High is { } high ? Quantity(high) : "")}",
        _ => o.Component.Count > 0 ? null : o.DataAbsentReason is { } absent ? Concept(absent) : null,
    };

    private static string? Components(Observation o) => o.Component.Count == 0 ? null
        : string.Join("; ", o.Component.Select(c => $"{Concept(c.Code) ?? PatientPortalText.Get("ComponentValue")}: {(c.Value is R4.Quantity q ? Quantity(q) : c.Value?.ToString())}"));

    /// <summary>A FHIR code of a required value set (status, intent) in words: its literal, dashes as spaces.</summary>
    private static string? Words(Enum? code) => code is null ? null : Hl7.Fhir.Utility.EnumUtility.GetLiteral(code)?.Replace('-', ' ');

    /// <summary>Value and unit as written (the unit's human form, else its UCUM code).</summary>
    public static string Quantity(R4.Quantity q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var value = q.Value?.ToString(CultureInfo.InvariantCulture) ?? "";
        var unit = q.Unit ?? q.Code;
        return unit is null ? value : $"{value} {unit}";
    }

    /// <summary>The text a person reads: the concept's text, else its first coding's display, else its code.</summary>
    public static string? Concept(CodeableConcept? concept) =>
        concept is null ? null
            : !string.IsNullOrWhiteSpace(concept.Text) ? concept.Text
            : concept.Coding.Select(c => c.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d))
              ?? concept.Coding.Select(c => c.Code).FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));

    /// <summary>A date or date-time as people write it (UTC), the period's start, or the text as stored.</summary>
    public static string? Moment(DataType? when) => when switch
    {
        FhirDateTime d => Readable(d.Value),
        Date d => Readable(d.Value),
        Instant i => i.Value is { } at ? PageDates.DayAndTime(at) : null,
        Period p => Readable(p.Start),
        FhirString s => s.Value,
        Age a => Quantity(a),
        _ => null,
    };

    private static string? Readable(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (value.Length <= 10)
        {
            // A date, a year-month or a year: written as precise as it is.
            return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? PageDates.Day(day)
                : value;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? PageDates.DayAndTime(at)
            : value;
    }

    private static List<(string, string)> Labelled(params (string Label, string? Text)[] details) =>
        details.Where(d => !string.IsNullOrWhiteSpace(d.Text)).Select(d => (d.Label, d.Text!)).ToList();
}
