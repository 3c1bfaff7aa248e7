using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Hl7.Fhir.Validation;
using Platform.Contracts.CodeLists;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core;

/// <summary>
/// Checks a FHIR R4 JSON resource before the vault stores it, and says which consent category it belongs to.
/// </summary>
/// <remarks>
/// Steps, stopping at the first that fails:
/// <list type="number">
/// <item>JSON syntax, one top-level object (<see cref="FhirProblemCodes.MalformedJson"/>);</item>
/// <item><c>resourceType</c> present once, a string, naming a concrete R4 resource in exact case
/// (<see cref="FhirProblemCodes.UnknownResourceType"/>; checked here because Firely matches names case-insensitively
/// and takes the first of duplicate <c>resourceType</c> properties silently);</item>
/// <item>strict Firely parsing (unknown or duplicate elements, wrong types, cardinality, required bindings), then the
/// POCO validator (adds narrative XHTML and invariants) (<see cref="FhirProblemCodes.InvalidResource"/>);</item>
/// <item>category: <see cref="RecordCategories.ForResourceType"/>, overridden by one sensitivity label
/// (<see cref="SensitivityLabels"/>); a type outside the code list is <see cref="FhirProblemCodes.UnsupportedCategory"/>
/// even with a label, labels of two sensitive categories are <see cref="FhirProblemCodes.ConflictingSensitivityLabels"/>,
/// and an ActCode label that maps to no category is <see cref="FhirProblemCodes.UnsupportedSensitivityLabel"/>.</item>
/// </list>
/// Size is the caller's to bound first (<see cref="BinaryContentTypes.MaxFhirResourceBytes"/>). Thread-safe.
/// </remarks>
public sealed class FhirRecordValidator
{
    /// <summary>Most problems reported for one resource, so a pathological input cannot produce a huge response.</summary>
    public const int MaxProblems = 20;

    private const int MaxDepth = 64;

    // Firely's default DeserializerSettings are strict: every issue is reported, nothing is silently dropped.
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    public FhirValidationResult Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Validate(Encoding.UTF8.GetBytes(json));
    }

    public FhirValidationResult Validate(ReadOnlySpan<byte> utf8Json)
    {
        var (type, resource, problems) = ParseResource(utf8Json);
        return problems.Count > 0 ? FhirValidationResult.Invalid(type, problems) : Categorise(type!, resource!);
    }

    /// <summary>
    /// Steps 1 to 3 only (syntax, <c>resourceType</c>, strict parsing and invariants), without a record category: for
    /// resources the vault reads but does not file as records of their type (a <c>Binary</c> upload carries an
    /// attachment). Either the resource or at least one problem.
    /// </summary>
    public (R4.Resource? Resource, IReadOnlyList<FhirValidationProblem> Problems) Parse(ReadOnlySpan<byte> utf8Json)
    {
        var (_, resource, problems) = ParseResource(utf8Json);
        return (resource, problems);
    }

    private static (string? ResourceType, R4.Resource? Resource, IReadOnlyList<FhirValidationProblem> Problems) ParseResource(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }
        var (resourceType, headerProblem) = ReadResourceType(utf8Json);
        if (headerProblem is not null)
        {
            return (resourceType, null, [headerProblem]);
        }
        var type = resourceType!;

        R4.Resource? resource;
        IEnumerable<CodedException> issues;
        try
        {
            Deserializer.TryDeserializeResource(new Utf8JsonReader(utf8Json, ReaderOptions), out resource, out issues);
        }
        catch (JsonException ex)
        {
            return (type, null, [new FhirValidationProblem(FhirProblemCodes.MalformedJson, "The body is not valid JSON.", Position(ex))]);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NotSupportedException or ArgumentException)
        {
            return (type, null, [new FhirValidationProblem(FhirProblemCodes.InvalidResource, $"The {type} resource could not be read.")]);
        }

        var problems = issues.Select(issue => Problem(issue, type)).Take(MaxProblems).ToList();
        if (problems.Count == 0 && resource is not null)
        {
            problems = resource.Validate().Select(issue => Problem(issue, type)).Take(MaxProblems).ToList();
        }
        if (problems.Count > 0 || resource is null)
        {
            return (type, null, problems.Count > 0 ? problems
                : [new FhirValidationProblem(FhirProblemCodes.InvalidResource, $"The {type} resource could not be read.")]);
        }
        return (type, resource, []);
    }

    private static FhirValidationResult Categorise(string type, R4.Resource resource)
    {
        var ordinary = RecordCategories.ForResourceType(type);
        if (ordinary is null)
        {
            var supported = string.Join(", ", RecordCategories.All.Where(c => !c.IsSensitive).SelectMany(c => c.FhirCodes));
            return FhirValidationResult.Invalid(type, FhirProblemCodes.UnsupportedCategory,
                $"{type} is not a record type the vault stores; supported types: {supported}.", type);
        }
        var labels = SensitivityLabels.Read(resource);
        if (labels.UnsupportedCodes.Count > 0)
        {
            return FhirValidationResult.Invalid(type, FhirProblemCodes.UnsupportedSensitivityLabel,
                $"The resource is labelled {string.Join(", ", labels.UnsupportedCodes)} ({RecordCategories.ActCodeSystem}), which the vault "
                + "cannot honour: no sensitive category of the code list covers it. Use one of "
                + $"{string.Join(", ", ActCodeSensitivities.All.Keys.Order(StringComparer.Ordinal))}, or keep the record elsewhere.", $"{type}.meta.security");
        }
        var sensitive = labels.Categories;
        if (sensitive.Count > 1)
        {
            return FhirValidationResult.Invalid(type, FhirProblemCodes.ConflictingSensitivityLabels,
                $"The resource is labelled {string.Join(" and ", sensitive.Select(c => c.FhirCodes[0]))}; a record belongs to one "
                + "sensitive category, so store each part separately.", $"{type}.meta.security");
        }
        return FhirValidationResult.Valid(type, sensitive.Count == 1 ? sensitive[0] : ordinary, resource);
    }

    /// <summary>Syntax check of the whole document plus the top-level <c>resourceType</c>, without building a DOM.</summary>
    private static (string? ResourceType, FhirValidationProblem? Problem) ReadResourceType(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        string? resourceType = null;
        var count = 0;
        var notString = false;
        try
        {
            if (!reader.Read())
            {
                return (null, new FhirValidationProblem(FhirProblemCodes.MalformedJson, "The body is empty."));
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, new FhirValidationProblem(FhirProblemCodes.MalformedJson, "A FHIR resource is a JSON object."));
            }
            while (reader.Read())
            {
                // Utf8JsonReader does not check the UTF-8 inside strings until they are decoded; RFC 8259 requires it.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !Utf8.IsValid(reader.ValueSpan))
                {
                    return (null, new FhirValidationProblem(FhirProblemCodes.MalformedJson, "The body is not valid UTF-8.",
                        $"byte {reader.TokenStartIndex + 1}"));
                }
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("resourceType"u8))
                {
                    count++;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        resourceType ??= reader.GetString();
                    }
                    else
                    {
                        notString = true;
                        reader.Skip();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, new FhirValidationProblem(FhirProblemCodes.MalformedJson, "The body is not valid JSON.", Position(ex as JsonException)));
        }

        if (count > 1)
        {
            return (resourceType, new FhirValidationProblem(FhirProblemCodes.InvalidResource, "The resource has more than one 'resourceType'.", "resourceType"));
        }
        if (notString || resourceType is null)
        {
            return (null, new FhirValidationProblem(FhirProblemCodes.UnknownResourceType,
                notString ? "'resourceType' must be a string." : "The resource has no 'resourceType'.", "resourceType"));
        }
        if (!IsConcreteResourceType(resourceType))
        {
            return (null, new FhirValidationProblem(FhirProblemCodes.UnknownResourceType,
                $"'{Truncate(resourceType)}' is not a FHIR R4 resource type.", "resourceType"));
        }
        return (resourceType, null);
    }

    private static bool IsConcreteResourceType(string name) =>
        R4.ModelInfo.GetTypeForFhirType(name) is { IsAbstract: false } type
        && type.IsAssignableTo(typeof(R4.Resource))
        && string.Equals(R4.ModelInfo.GetFhirTypeNameForType(type), name, StringComparison.Ordinal);

    private static FhirValidationProblem Problem(CodedException issue, string resourceType)
    {
        var path = issue switch
        {
            CodedValidationException v => v.InstancePath,
            FhirJsonException j => j.InstancePath,
            _ => null,
        };
        if (path is not null && path.StartsWith("$this", StringComparison.Ordinal))
        {
            path = resourceType + path["$this".Length..];
        }
        return new FhirValidationProblem(FhirProblemCodes.InvalidResource, issue.Message, path, issue.ErrorCode);
    }

    private static string? Position(JsonException? ex) =>
        ex?.LineNumber is { } line ? $"line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}" : null;

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
