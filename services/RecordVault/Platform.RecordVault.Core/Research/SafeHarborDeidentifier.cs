using System.Collections;
using System.Globalization;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core.Research;

/// <summary>
/// Removes or generalises the HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)(i)) in one FHIR R4 record of one
/// participant, by the type of every element: the rules follow the data types, so an identifier is caught wherever a
/// resource puts it. The input is not changed; a copy is returned, or null with the reason the resource is left out.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>(A) names — HumanName: removed. Free text — Narrative, Annotation, markdown, and every <c>string</c> except a
/// coding's display and a quantity's unit (both from code systems): removed; CodeableConcept.text included.</item>
/// <item>(B) addresses — Address in a record: removed (the participant's state is released, subject to k-anonymity, on
/// the Patient only).</item>
/// <item>(C) dates — date, dateTime, instant: cut to the year (<see cref="DeidentificationLevel.SafeHarbor"/>; instants,
/// which must be precise, are removed) or moved by the participant's offset (<see cref="DeidentificationLevel.ShiftedDates"/>).
/// Ages (the Age type) over 89 years become "≥ 90 years".</item>
/// <item>(D–F) telephone, fax, e-mail — ContactPoint: removed.</item>
/// <item>(G–M, R) record, account, device and other identifying numbers — Identifier: removed everywhere; resource ids
/// become the study's keyed hashes; DICOM UIDs become <c>2.25.</c> OIDs from the study's key.</item>
/// <item>(N) URLs — Attachment (url, data, title): removed; references lose their base URL, identifier and display, and
/// point to pseudonyms (a Patient always to the participant's).</item>
/// <item>(Q) images — Attachment removed; Media and documents are not exported at all.</item>
/// <item>Extensions and element ids: removed (unknown content). A modifierExtension drops the resource.</item>
/// <item>meta: only security labels and profiles stay; the <c>deid-rules</c> version is added as a tag.</item>
/// </list>
/// Allowlist of resource types: the vault's ordinary record types except documents and media.
/// </remarks>
public sealed class SafeHarborDeidentifier
{
    private static readonly HashSet<string> ExportedTypes = new(StringComparer.Ordinal)
    {
        "Observation", "Condition", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
        "MedicationDispense", "AllergyIntolerance", "Immunization", "Procedure", "DiagnosticReport", "ImagingStudy",
    };

    private static readonly Dictionary<string, string> DroppedTypes = new(StringComparer.Ordinal)
    {
        ["DocumentReference"] = DroppedResourceReasons.FreeTextDocument,
        ["Composition"] = DroppedResourceReasons.FreeTextDocument,
        ["Media"] = DroppedResourceReasons.Image,
    };

    private readonly StudyPseudonyms _pseudonyms;
    private readonly DeidentificationLevel _level;

    public SafeHarborDeidentifier(StudyPseudonyms pseudonyms, DeidentificationLevel level)
    {
        ArgumentNullException.ThrowIfNull(pseudonyms);
        _pseudonyms = pseudonyms;
        _level = level;
    }

    /// <summary>The de-identified copy of one record, or null and the reason (a <see cref="DroppedResourceReasons"/> code).</summary>
    public (R4.Resource? Resource, string? DroppedReason) Deidentify(R4.Resource record, string patientPseudonym)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(patientPseudonym);
        var type = record.TypeName;
        if (DroppedTypes.TryGetValue(type, out var reason))
        {
            return (null, reason);
        }
        if (!ExportedTypes.Contains(type))
        {
            return (null, DroppedResourceReasons.UnsupportedType);
        }

        var copy = R4.BaseExtensions.DeepCopy(record);
        var walk = new Walk(this, patientPseudonym);
        copy.Id = record.Id is { Length: > 0 } id ? _pseudonyms.ResourceId(type, id) : null;
        copy.Meta = Meta(record.Meta);
        if (copy is R4.DomainResource domain)
        {
            walk.RenameContained(domain);
        }
        walk.Scrub(copy, skipMeta: true);
        return walk.FoundModifierExtension ? (null, DroppedResourceReasons.ModifierExtension) : (copy, null);
    }

    /// <summary>The meta every exported resource gets: the source's security labels and profiles, plus the rules tag.</summary>
    internal static R4.Meta Meta(R4.Meta? source)
    {
        var meta = new R4.Meta { Tag = [new R4.Coding(DeidRules.TagSystem, DeidRules.Version)] };
        if (source is not null)
        {
            meta.Security = source.Security.Select(c => new R4.Coding(c.System, c.Code)).ToList();
            meta.Profile = source.Profile.ToList();
        }
        return meta;
    }

    /// <summary>One date element de-identified by the level's rule; null when it must go.</summary>
    internal R4.DataType? Date(R4.DataType date, int shiftDays) => date switch
    {
        R4.Date d when d.Value is { Length: >= 4 } v => _level == DeidentificationLevel.SafeHarbor
            ? new R4.Date(v[..4]) : new R4.Date(ShiftPartial(v, shiftDays)),
        R4.FhirDateTime t when t.Value is { Length: >= 4 } v => _level == DeidentificationLevel.SafeHarbor
            ? new R4.FhirDateTime(v[..4]) : new R4.FhirDateTime(ShiftDateTime(v, shiftDays)),
        R4.Instant { Value: { } i } => _level == DeidentificationLevel.SafeHarbor ? null : new R4.Instant(i.AddDays(shiftDays)),
        _ => null,
    };

    // "2019" cannot move by days and keeps its year; "2019-03" moves as its middle day does and keeps month precision.
    private static string ShiftPartial(string value, int days)
    {
        if (value.Length == 4)
        {
            return value;
        }
        if (value.Length == 7)
        {
            var mid = DateOnly.ParseExact(value + "-15", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days);
            return mid.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        }
        return DateOnly.ParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days)
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string ShiftDateTime(string value, int days)
    {
        if (value.Length <= 10)
        {
            return ShiftPartial(value, days);
        }
        var date = DateOnly.ParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days);
        // Only the date part moves: the time of day and the zone are kept as written.
        return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + value[10..];
    }

    /// <summary>The state of one resource's walk: its participant, the renamed contained ids, whether a modifier was seen.</summary>
    private sealed class Walk(SafeHarborDeidentifier owner, string patientPseudonym)
    {
        private readonly Dictionary<string, string> _containedIds = new(StringComparer.Ordinal);
        private readonly int _shiftDays = owner._pseudonyms.DateShiftDays(patientPseudonym);

        public bool FoundModifierExtension { get; private set; }

        public void RenameContained(R4.DomainResource resource)
        {
            for (var i = 0; i < resource.Contained.Count; i++)
            {
                var contained = resource.Contained[i];
                var renamed = "c" + (i + 1).ToString(CultureInfo.InvariantCulture);
                if (contained.Id is { Length: > 0 } old)
                {
                    _containedIds[old] = renamed;
                }
                contained.Id = renamed;
                contained.Meta = null;
            }
        }

        public void Scrub(R4.Base node, bool skipMeta = false)
        {
            if (node is R4.Element element)
            {
                element.ElementId = null;
            }
            foreach (var (name, value) in node.EnumerateElements().ToList())
            {
                if ((skipMeta && name == "meta") || (node is R4.Resource && name == "id"))
                {
                    continue;
                }
                if (value is IList list)
                {
                    for (var i = list.Count - 1; i >= 0; i--)
                    {
                        var replacement = Rule(node, name, (R4.Base)list[i]!);
                        if (replacement is null)
                        {
                            list.RemoveAt(i);
                        }
                        else if (!ReferenceEquals(replacement, list[i]))
                        {
                            list[i] = replacement;
                        }
                    }
                    if (list.Count == 0)
                    {
                        node.SetValue(name, null);
                    }
                }
                else if (value is R4.Base single)
                {
                    var replacement = Rule(node, name, single);
                    if (!ReferenceEquals(replacement, single))
                    {
                        node.SetValue(name, replacement);
                    }
                }
            }
        }

        /// <summary>The element to keep in place of <paramref name="value"/> (itself, a replacement), or null to remove it.</summary>
        private R4.Base? Rule(R4.Base parent, string name, R4.Base value)
        {
            switch (value)
            {
                case R4.Extension when name == "modifierExtension":
                    FoundModifierExtension = true;
                    return null;
                case R4.Extension:
                case R4.HumanName:
                case R4.ContactPoint:
                case R4.Identifier:
                case R4.Narrative:
                case R4.Annotation:
                case R4.Attachment:
                case R4.Signature:
                case R4.Address:
                    return null;
                case R4.ResourceReference reference:
                    return Reference(reference);
                case R4.Date or R4.FhirDateTime or R4.Instant:
                    return owner.Date((R4.DataType)value, _shiftDays);
                case R4.Age age:
                    return Age(age);
                case R4.FhirString or R4.Markdown:
                    return (parent is R4.Coding && name == "display") || (parent is R4.Quantity && name == "unit") ? Bare((R4.PrimitiveType)value) : null;
                case R4.Id uid when name == "uid" && parent is R4.ImagingStudy.SeriesComponent or R4.ImagingStudy.InstanceComponent:
                    return uid.Value is { Length: > 0 } v ? new R4.Id(owner._pseudonyms.Uid(v)) : null;
                case R4.PrimitiveType primitive:
                    return Bare(primitive);
                case R4.Resource contained:
                    contained.Meta = null;
                    Scrub(contained);
                    return contained;
                default:
                    Scrub(value);
                    return value.EnumerateElements().Any() ? value : null;
            }
        }

        private static R4.PrimitiveType Bare(R4.PrimitiveType primitive)
        {
            primitive.ElementId = null;
            primitive.Extension.Clear();
            return primitive;
        }

        private R4.ResourceReference? Reference(R4.ResourceReference source)
        {
            var target = source.Reference is { Length: > 0 } text ? Target(text) : null;
            if (target is null)
            {
                return null;
            }
            var reference = new R4.ResourceReference(target);
            if (source.Type is { Length: > 0 } type && target[0] != '#')
            {
                reference.Type = type;
            }
            return reference;
        }

        // "#id" → the contained resource's new id; "[base/]Type/id[/_history/n]" → "Type/<pseudonym>"; a Patient is
        // always the participant. Anything else (urn:uuid:, a bare id) cannot be resolved, so it goes.
        private string? Target(string text)
        {
            if (text[0] == '#')
            {
                return _containedIds.TryGetValue(text[1..], out var renamed) ? "#" + renamed : null;
            }
            var parts = text.Split('/');
            var history = Array.IndexOf(parts, "_history");
            if (history >= 0)
            {
                parts = parts[..history];
            }
            if (parts.Length < 2 || parts[^1].Length == 0 || R4.ModelInfo.GetTypeForFhirType(parts[^2]) is not { } clrType
                || !clrType.IsAssignableTo(typeof(R4.Resource)))
            {
                return null;
            }
            var type = parts[^2];
            return type == "Patient"
                ? "Patient/" + owner._pseudonyms.Participant(patientPseudonym)
                : type + "/" + owner._pseudonyms.ResourceId(type, parts[^1]);
        }

        private static R4.Age Age(R4.Age age)
        {
            var years = age.Code switch
            {
                "a" => age.Value,
                "mo" => age.Value / 12m,
                "wk" => age.Value * 7m / 365.25m,
                "d" => age.Value / 365.25m,
                _ => null,
            };
            if (years is > DeidRules.OldestAgeShown || (years is null && age.Value is > DeidRules.OldestAgeShown))
            {
                return new R4.Age
                {
                    Value = DeidRules.OldestAgeShown + 1,
                    Comparator = R4.Quantity.QuantityComparator.GreaterOrEqual,
                    Unit = "years",
                    System = "http://unitsofmeasure.org",
                    Code = "a",
                };
            }
            age.ElementId = null;
            age.Extension.Clear();
            return age;
        }
    }
}
