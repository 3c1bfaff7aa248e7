using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.SignedEvents;

/// <summary>The strict JSON rules for payloads: unknown or repeated members are errors, not ignored.</summary>
internal static class SignedEventJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        AllowOutOfOrderMetadataProperties = true,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
