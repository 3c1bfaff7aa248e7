using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>
/// RFC 9901 §7.1 step 3-5 on a verified payload: replace each digest with the claim its disclosure reveals (recursively),
/// drop the digests nobody disclosed, and reject every ambiguity an attacker could use to smuggle a value in.
/// </summary>
internal sealed class DisclosureProcessor
{
    private readonly Dictionary<string, Disclosure> _byDigest = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenDigests = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private DisclosureProcessor()
    {
    }

    /// <summary>Processes <paramref name="payload"/> in place and returns it.</summary>
    /// <exception cref="SdJwtException">Any rule of §7.1 is broken.</exception>
    public static JsonObject Process(JsonObject payload, IReadOnlyList<Disclosure> disclosures)
    {
        var processor = new DisclosureProcessor();
        foreach (var disclosure in disclosures)
        {
            // Same encoded text, same digest: a repeated disclosure (step 5's "more than once" rule).
            if (!processor._byDigest.TryAdd(disclosure.Digest, disclosure))
            {
                throw new SdJwtException(SdJwtError.DuplicateDisclosure, "A disclosure is presented more than once.");
            }
        }
        processor.ProcessObject(payload, isTopLevel: true);
        // Step 4: a disclosure whose digest is nowhere in the signed payload was not issued with it (or was altered).
        if (disclosures.FirstOrDefault(d => !processor._used.Contains(d.Digest)) is { } orphan)
        {
            throw new SdJwtException(SdJwtError.DisclosureNotReferenced,
                $"Disclosure {Describe(orphan)} is not referenced by the issuer-signed JWT.");
        }
        payload.Remove(SdJwtConstants.SdAlgClaim);
        return payload;
    }

    private void ProcessObject(JsonObject obj, bool isTopLevel)
    {
        JsonArray? digests = null;
        if (obj.TryGetPropertyValue(SdJwtConstants.SdClaim, out var sd))
        {
            digests = sd as JsonArray ?? throw new SdJwtException(SdJwtError.Malformed, "An '_sd' member is not an array.");
            obj.Remove(SdJwtConstants.SdClaim);
        }

        // Plain members first, so a disclosure repeating one of their names is caught as a collision below.
        foreach (var value in obj.Select(member => member.Value).ToList())
        {
            ProcessNode(value);
        }
        if (digests is null)
        {
            return;
        }

        foreach (var entry in digests)
        {
            if (entry is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                throw new SdJwtException(SdJwtError.Malformed, "An '_sd' entry is not a string.");
            }
            var digest = v.GetValue<string>();
            Register(digest);
            if (!_byDigest.TryGetValue(digest, out var disclosure))
            {
                continue; // not disclosed, or a decoy
            }
            var name = disclosure.ClaimName
                ?? throw new SdJwtException(SdJwtError.DisclosureTypeMismatch, "An array-element disclosure is referenced from '_sd'.");
            if (isTopLevel && SdJwtConstants.NonDisclosableClaims.Contains(name))
            {
                throw new SdJwtException(SdJwtError.ReservedClaimDisclosed, $"Claim '{name}' must not be selectively disclosable.");
            }
            if (obj.ContainsKey(name))
            {
                throw new SdJwtException(SdJwtError.ClaimNameCollision, $"Disclosed claim '{name}' already exists at its level.");
            }
            var value = disclosure.Value; // a fresh copy, free to insert
            ProcessNode(value);
            obj[name] = value;
            _used.Add(digest);
        }
    }

    private void ProcessArray(JsonArray array)
    {
        var elements = array.ToList();
        array.Clear();
        foreach (var element in elements)
        {
            if (DisclosureTree.ArrayElementDigest(element) is not { } digest)
            {
                ProcessNode(element);
                array.Add(element);
                continue;
            }
            Register(digest);
            if (!_byDigest.TryGetValue(digest, out var disclosure))
            {
                continue; // undisclosed element: removed (step 3.3.2)
            }
            if (!disclosure.IsArrayElement)
            {
                throw new SdJwtException(SdJwtError.DisclosureTypeMismatch,
                    $"Object-property disclosure '{disclosure.ClaimName}' is referenced as an array element.");
            }
            var value = disclosure.Value;
            ProcessNode(value);
            array.Add(value);
            _used.Add(digest);
        }
    }

    private void ProcessNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                ProcessObject(obj, isTopLevel: false);
                break;
            case JsonArray array:
                ProcessArray(array);
                break;
        }
    }

    // Step 3.2.2 / 3.3.2: a digest may occur once in the whole structure, counting those inside disclosed values.
    private void Register(string digest)
    {
        if (!_seenDigests.Add(digest))
        {
            throw new SdJwtException(SdJwtError.DuplicateDigest, "A digest appears more than once in the SD-JWT.");
        }
    }

    private static string Describe(Disclosure disclosure) =>
        disclosure.ClaimName is { } name ? $"for claim '{name}'" : "for an array element";
}
