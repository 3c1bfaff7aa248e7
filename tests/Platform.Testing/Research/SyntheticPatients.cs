using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Testing.Research;

/// <summary>
/// Generates synthetic patients (no download, no real person): a FHIR R4 Patient and one record of each type the
/// vault stores, carrying the HIPAA Safe Harbor identifiers FHIR has a place for in these types — names (the patient's,
/// a relative's, a prescriber's), address parts below the state, dates and instants, an age over 89, phone, fax,
/// e-mail, social security, medical record, health plan, account and licence numbers, device ids and serial numbers,
/// lot and prescription numbers, URLs, free text, DICOM UIDs and accession numbers, photos and documents — with
/// values unique to the patient (<see cref="SyntheticPatient.Identifiers"/>). Vehicle identifiers, IP addresses and
/// biometrics have no element in these types. Deterministic for a seed.
/// </summary>
public static class SyntheticPatients
{
    /// <summary>The Safe Harbor identifier kinds every synthetic patient carries (keys of <see cref="SyntheticPatient.Identifiers"/>).</summary>
    public static readonly IReadOnlyList<string> IdentifierKinds =
    [
        "name", "relative-name", "street", "city", "district", "postal-code", "phone", "fax", "email", "ssn", "mrn",
        "health-plan", "account", "licence", "device-serial", "device-id", "lot-number", "url", "practitioner-name",
        "free-text-note", "narrative", "code-text", "photo", "document-text", "dicom-study-uid", "dicom-series-uid",
        "dicom-instance-uid", "accession-number", "prescription-number", "birth-date", "event-date", "event-instant",
        "patient-id", "record-id",
    ];

    // Unescaped (+, <, >) so that a test finds each identifier in the JSON exactly as written.
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Genders = ["female", "male"];
    private static readonly string[] States = ["CA", "NY", "TX"];

    /// <summary>A cohort of <paramref name="count"/> patients with birth years, genders and states drawn from small sets.</summary>
    public static IReadOnlyList<SyntheticPatient> Cohort(int count, int seed = 22, int firstBirthYear = 1950, int birthYears = 3)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => Create(i, firstBirthYear + random.Next(birthYears), Genders[random.Next(Genders.Length)], States[random.Next(States.Length)]))
            .ToList();
    }

    /// <summary>One patient; <paramref name="index"/> makes every identifier value unique.</summary>
    public static SyntheticPatient Create(int index, int birthYear = 1961, string gender = "female", string state = "CA")
    {
        var n = index.ToString("D4", CultureInfo.InvariantCulture);
        var id = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "Zyxwoodcombe" + n,
            ["relative-name"] = "Quillfeatherby" + n,
            ["street"] = n + " Larkspurhollow Lane",
            ["city"] = "Vexmoorton" + n,
            ["district"] = "Brindlecounty" + n,
            ["postal-code"] = "9" + n,
            ["phone"] = "+1-555-01" + n,
            ["fax"] = "+1-555-02" + n,
            ["email"] = $"zyx{n}@mail.example",
            ["ssn"] = "900-22-" + n,
            ["mrn"] = "MRN-7734-" + n,
            ["health-plan"] = "HPLAN-5521-" + n,
            ["account"] = "ACCT-3309-" + n,
            ["licence"] = "DL-X8812-" + n,
            ["device-serial"] = "SN-GLUCO-" + n,
            ["device-id"] = "glucometer-" + n,
            ["lot-number"] = "LOT-4471-" + n,
            ["url"] = $"https://clinic{n}.hospital.example/fhir",
            ["practitioner-name"] = "Dr Pemberthwaite" + n,
            ["free-text-note"] = "Patient mentioned neighbour Ottoline" + n,
            ["narrative"] = "NarrativeMarker" + n,
            ["code-text"] = "Sugar problem per Ottoline" + n,
            ["photo"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("PHOTO-FACE-" + n)),
            ["document-text"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("Discharge letter for Zyxwoodcombe" + n)),
            ["dicom-study-uid"] = "1.2.840.99999.1." + index,
            ["dicom-series-uid"] = "1.2.840.99999.2." + index,
            ["dicom-instance-uid"] = "1.2.840.99999.3." + index,
            ["accession-number"] = "ACC-6161-" + n,
            ["prescription-number"] = "RX-8080-" + n,
            ["birth-date"] = $"{birthYear}-07-{11 + (index % 17):D2}",
            ["event-date"] = "2024-03-" + (10 + (index % 18)).ToString("D2", CultureInfo.InvariantCulture),
            ["event-instant"] = "2024-03-" + (10 + (index % 18)).ToString("D2", CultureInfo.InvariantCulture) + "T09:41:07.123Z",
            ["patient-id"] = "local-patient-" + n,
            ["record-id"] = "obs-" + n,
        };
        var pseudonym = "synthetic-patient-" + n;
        return new SyntheticPatient(pseudonym, birthYear, gender, state, Patient(id, gender, state).ToJsonString(Plain),
            Records(id).Select(r => r.ToJsonString(Plain)).ToList(), id);
    }

    private static JsonObject Narrative(string text) => new() { ["status"] = "generated", ["div"] = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{text}</div>" };

    private static JsonObject Ref(string reference, string? display = null)
    {
        var r = new JsonObject { ["reference"] = reference };
        if (display is not null)
        {
            r["display"] = display;
        }
        return r;
    }

    private static JsonObject Ident(string system, string value) => new() { ["system"] = system, ["value"] = value };

    private static JsonObject Concept(string system, string code, string? text = null)
    {
        var c = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };
        if (text is not null)
        {
            c["text"] = text;
        }
        return c;
    }

    private static JsonObject Patient(Dictionary<string, string> id, string gender, string state) => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = id["patient-id"],
        ["text"] = Narrative(id["narrative"]),
        ["extension"] = new JsonArray(new JsonObject
        {
            ["url"] = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
            ["valueAddress"] = new JsonObject { ["city"] = id["city"] },
        }),
        ["identifier"] = new JsonArray(
            Ident("http://hl7.org/fhir/sid/us-ssn", id["ssn"]),
            Ident("urn:oid:1.2.36.146.595.217.0.1", id["mrn"]),
            Ident("urn:health-plan", id["health-plan"]),
            Ident("urn:account", id["account"]),
            Ident("urn:driver-licence", id["licence"])),
        ["name"] = new JsonArray(new JsonObject { ["family"] = id["name"], ["given"] = new JsonArray("Ann" + id["name"]) }),
        ["telecom"] = new JsonArray(
            new JsonObject { ["system"] = "phone", ["value"] = id["phone"] },
            new JsonObject { ["system"] = "fax", ["value"] = id["fax"] },
            new JsonObject { ["system"] = "email", ["value"] = id["email"] },
            new JsonObject { ["system"] = "url", ["value"] = id["url"] }),
        ["gender"] = gender,
        ["birthDate"] = id["birth-date"],
        ["address"] = new JsonArray(new JsonObject
        {
            ["use"] = "home",
            ["line"] = new JsonArray(id["street"]),
            ["city"] = id["city"],
            ["district"] = id["district"],
            ["state"] = state,
            ["postalCode"] = id["postal-code"],
            ["country"] = "US",
        }),
        ["photo"] = new JsonArray(new JsonObject { ["contentType"] = "image/jpeg", ["data"] = id["photo"] }),
        ["contact"] = new JsonArray(new JsonObject
        {
            ["name"] = new JsonObject { ["family"] = id["relative-name"] },
            ["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = id["phone"] }),
        }),
    };

    private static IEnumerable<JsonObject> Records(Dictionary<string, string> id)
    {
        var subject = Ref("Patient/" + id["patient-id"], id["name"]);
        var practitioner = Ref("Practitioner/pract-" + id["practitioner-name"].Replace(" ", string.Empty, StringComparison.Ordinal), id["practitioner-name"]);
        yield return new JsonObject
        {
            ["resourceType"] = "Observation",
            ["id"] = id["record-id"],
            ["text"] = Narrative(id["narrative"]),
            ["identifier"] = new JsonArray(Ident("urn:lab-order", id["accession-number"])),
            ["status"] = "final",
            ["code"] = Concept("http://loinc.org", "2339-0", id["code-text"]),
            ["subject"] = subject.DeepClone(),
            ["effectiveDateTime"] = id["event-date"] + "T08:30:00+01:00",
            ["issued"] = id["event-instant"],
            ["performer"] = new JsonArray(practitioner.DeepClone()),
            ["valueQuantity"] = new JsonObject { ["value"] = 6.3, ["unit"] = "mmol/L", ["system"] = "http://unitsofmeasure.org", ["code"] = "mmol/L" },
            ["note"] = new JsonArray(new JsonObject { ["text"] = id["free-text-note"] }),
            ["device"] = Ref("Device/" + id["device-id"], id["device-serial"]),
        };
        yield return new JsonObject
        {
            ["resourceType"] = "Condition",
            ["id"] = "cond-" + id["record-id"],
            ["identifier"] = new JsonArray(Ident("urn:problem-list", id["account"] + "-P")),
            ["clinicalStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
            ["code"] = Concept("http://snomed.info/sct", "44054006", id["code-text"]),
            ["subject"] = subject.DeepClone(),
            ["onsetAge"] = new JsonObject { ["value"] = 93, ["unit"] = "years", ["system"] = "http://unitsofmeasure.org", ["code"] = "a" },
            ["recordedDate"] = id["event-date"],
            ["asserter"] = Ref(id["url"] + "/Practitioner/77", id["practitioner-name"]),
            ["note"] = new JsonArray(new JsonObject { ["text"] = id["free-text-note"] }),
        };
        yield return new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["id"] = "rx-" + id["record-id"],
            ["contained"] = new JsonArray(new JsonObject
            {
                // A prescriber written into the record: names, contacts and addresses inside a record, not only the Patient's.
                ["resourceType"] = "Practitioner",
                ["id"] = "prescriber",
                ["identifier"] = new JsonArray(Ident("urn:licence", id["licence"])),
                ["name"] = new JsonArray(new JsonObject { ["text"] = id["practitioner-name"] }),
                ["telecom"] = new JsonArray(new JsonObject { ["system"] = "fax", ["value"] = id["fax"] }),
                ["address"] = new JsonArray(new JsonObject { ["line"] = new JsonArray(id["street"]), ["city"] = id["city"], ["postalCode"] = id["postal-code"] }),
            }, new JsonObject
            {
                ["resourceType"] = "Medication",
                ["id"] = "med-" + id["prescription-number"],
                ["code"] = Concept("http://www.nlm.nih.gov/research/umls/rxnorm", "860975", id["code-text"]),
                ["batch"] = new JsonObject { ["lotNumber"] = id["lot-number"], ["expirationDate"] = "2026-01-31T00:00:00Z" },
            }),
            ["identifier"] = new JsonArray(Ident("urn:prescriptions", id["prescription-number"])),
            ["status"] = "active",
            ["intent"] = "order",
            ["medicationReference"] = Ref("#med-" + id["prescription-number"]),
            ["subject"] = subject.DeepClone(),
            ["authoredOn"] = id["event-date"],
            ["requester"] = Ref("#prescriber", id["practitioner-name"]),
            ["dosageInstruction"] = new JsonArray(new JsonObject
            {
                ["text"] = "Take with breakfast, call " + id["phone"],
                ["patientInstruction"] = id["free-text-note"],
            }),
        };
        yield return new JsonObject
        {
            ["resourceType"] = "Immunization",
            ["id"] = "imm-" + id["record-id"],
            ["status"] = "completed",
            ["vaccineCode"] = Concept("http://hl7.org/fhir/sid/cvx", "207"),
            ["patient"] = subject.DeepClone(),
            ["occurrenceDateTime"] = id["event-date"],
            ["lotNumber"] = id["lot-number"],
            ["expirationDate"] = id["event-date"],
            ["performer"] = new JsonArray(new JsonObject { ["actor"] = practitioner.DeepClone() }),
        };
        yield return new JsonObject
        {
            ["resourceType"] = "ImagingStudy",
            ["id"] = "img-" + id["record-id"],
            ["identifier"] = new JsonArray(
                Ident("urn:dicom:uid", "urn:oid:" + id["dicom-study-uid"]),
                Ident("urn:accession", id["accession-number"])),
            ["status"] = "available",
            ["subject"] = subject.DeepClone(),
            ["started"] = id["event-date"] + "T10:00:00Z",
            ["description"] = id["code-text"],
            ["series"] = new JsonArray(new JsonObject
            {
                ["uid"] = id["dicom-series-uid"],
                ["modality"] = new JsonObject { ["system"] = "http://dicom.nema.org/resources/ontology/DCM", ["code"] = "CT" },
                ["instance"] = new JsonArray(new JsonObject
                {
                    ["uid"] = id["dicom-instance-uid"],
                    ["sopClass"] = new JsonObject { ["system"] = "urn:ietf:rfc:3986", ["code"] = "urn:oid:1.2.840.10008.5.1.4.1.1.2" },
                }),
            }),
        };
        yield return new JsonObject
        {
            ["resourceType"] = "DocumentReference",
            ["id"] = "doc-" + id["record-id"],
            ["status"] = "current",
            ["subject"] = subject.DeepClone(),
            ["content"] = new JsonArray(new JsonObject
            {
                ["attachment"] = new JsonObject { ["contentType"] = "text/plain", ["data"] = id["document-text"] },
            }),
        };
        yield return new JsonObject
        {
            ["resourceType"] = "Media",
            ["id"] = "media-" + id["record-id"],
            ["status"] = "completed",
            ["subject"] = subject.DeepClone(),
            ["content"] = new JsonObject { ["contentType"] = "image/jpeg", ["data"] = id["photo"] },
        };
    }
}
