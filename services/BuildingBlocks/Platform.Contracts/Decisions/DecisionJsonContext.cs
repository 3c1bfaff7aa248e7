using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Contracts.Decisions;

/// <summary>
/// Source-generated JSON metadata for the decision body and answer (issue 18: no reflection-built metadata on the hot
/// path). Web defaults (camelCase names), as minimal APIs use. The consent service puts it first in its HTTP JSON
/// resolver chain, so its own options (duplicate keys refused, <c>StrictJson</c>) still apply; the record vault
/// writes the body and reads the answer with it directly.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DecisionBody))]
[JsonSerializable(typeof(DecisionResponse))]
public sealed partial class DecisionJsonContext : JsonSerializerContext;
