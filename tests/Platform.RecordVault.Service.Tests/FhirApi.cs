using System.Net.Http.Headers;
using System.Text.Json;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>The vault's FHIR API as a FHIR client sees it: Firely's FhirClient with a bearer token, and strict parsing.</summary>
public static class FhirApi
{
    public const string Base = "/fhir/r4";

    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings());

    /// <param name="binary">How the client moves Binary content: as a FHIR Binary resource (base64 in JSON), or as the raw bytes with their own type.</param>
    public static FhirClient Client(VaultPlatform platform, string? token, IDictionary<string, string>? headers = null, BinaryTransferBehaviour binary = BinaryTransferBehaviour.UseResource)
    {
        var http = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            http.DefaultRequestHeaders.Add(name, value);
        }
        return new FhirClient(new Uri(platform.Vault.Client.BaseAddress!, Base), http,
            new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false, BinarySendBehaviour = binary, BinaryReceivePreference = binary });
    }

    /// <summary>
    /// Parses FHIR JSON strictly (unknown elements, wrong types, cardinality, value sets are errors) and runs the
    /// Firely validator's invariants; returns the resource, or fails naming every issue.
    /// </summary>
    public static T Valid<T>(string json) where T : R4.Resource
    {
        Strict.TryDeserializeResource(new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json)), out var resource, out var issues);
        var problems = issues.Select(i => i.Message).ToList();
        if (resource is not null && problems.Count == 0)
        {
            problems.AddRange(resource.Validate().Select(i => i.Message));
        }
        Assert.True(problems.Count == 0 && resource is T, $"Not a valid {typeof(T).Name}: {string.Join("; ", problems)}\n{json}");
        return (T)resource!;
    }

    public static R4.Observation Observation(string patient, string text, string? effective = null) => new()
    {
        Status = R4.ObservationStatus.Final,
        Code = new R4.CodeableConcept { Text = text },
        Subject = new R4.ResourceReference("Patient/" + patient),
        Effective = effective is null ? null : new R4.FhirDateTime(effective),
    };

    public static R4.Condition Condition(string patient, string text) => new()
    {
        Subject = new R4.ResourceReference("Patient/" + patient),
        Code = new R4.CodeableConcept { Text = text },
    };
}
