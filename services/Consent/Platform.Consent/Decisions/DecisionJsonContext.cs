using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Consent.Decisions;

/// <summary>
/// Source-generated JSON metadata for the decision endpoint's body and answer, first in the HTTP JSON resolver chain
/// (issue 18: no reflection-built metadata on the hot path). Web defaults, as minimal APIs use; the platform's
/// options (duplicate keys refused, <c>StrictJson</c>) still apply, since they belong to the options, not the metadata.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DecisionBody))]
[JsonSerializable(typeof(DecisionResponse))]
internal sealed partial class DecisionJsonContext : JsonSerializerContext;
