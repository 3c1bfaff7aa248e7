using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>
/// Where each disclosure of an SD-JWT is referenced: from the payload itself or from inside another disclosure's value
/// (recursive disclosures, RFC 9901 §4.2.6). The holder uses it to check an issuance and to include the enclosing
/// disclosures of a nested one it chooses to reveal.
/// </summary>
internal sealed class DisclosureTree
{
    private readonly Dictionary<string, string?> _parentByDigest = new(StringComparer.Ordinal);

    private DisclosureTree()
    {
    }

    /// <summary>
    /// Maps every disclosure to its parent (null: referenced from the payload).
    /// </summary>
    /// <exception cref="SdJwtException">A duplicate disclosure or digest, or a disclosure referenced from nowhere.</exception>
    public static DisclosureTree Build(JsonObject payload, IReadOnlyList<Disclosure> disclosures)
    {
        var byDigest = new Dictionary<string, Disclosure>(StringComparer.Ordinal);
        foreach (var disclosure in disclosures)
        {
            if (!byDigest.TryAdd(disclosure.Digest, disclosure))
            {
                throw new SdJwtException(SdJwtError.DuplicateDisclosure, "A disclosure appears more than once.");
            }
        }
        var tree = new DisclosureTree();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<(JsonNode? Node, string? Parent)>();
        pending.Enqueue((payload, null));
        while (pending.TryDequeue(out var item))
        {
            foreach (var digest in DigestsIn(item.Node))
            {
                if (!seen.Add(digest))
                {
                    throw new SdJwtException(SdJwtError.DuplicateDigest, "A digest appears more than once in the SD-JWT.");
                }
                if (byDigest.TryGetValue(digest, out var child))
                {
                    tree._parentByDigest[digest] = item.Parent;
                    pending.Enqueue((child.Value, digest));
                }
            }
        }
        if (disclosures.FirstOrDefault(d => !tree._parentByDigest.ContainsKey(d.Digest)) is { } orphan)
        {
            throw new SdJwtException(SdJwtError.DisclosureNotReferenced,
                $"Disclosure {orphan.ClaimName ?? "(array element)"} is not referenced by the SD-JWT.");
        }
        return tree;
    }

    /// <summary>The digest of the disclosure that contains <paramref name="digest"/>; null when the payload does.</summary>
    public string? ParentOf(string digest) => _parentByDigest.GetValueOrDefault(digest);

    /// <summary>Digests in <c>_sd</c> arrays and <c>{"...": digest}</c> array elements, not descending into disclosures.</summary>
    private static IEnumerable<string> DigestsIn(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == SdJwtConstants.SdClaim && value is JsonArray sd)
                    {
                        foreach (var entry in sd)
                        {
                            if (entry is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                            {
                                yield return v.GetValue<string>();
                            }
                        }
                        continue;
                    }
                    foreach (var digest in DigestsIn(value))
                    {
                        yield return digest;
                    }
                }
                break;
            case JsonArray array:
                foreach (var element in array)
                {
                    if (ArrayElementDigest(element) is { } digest)
                    {
                        yield return digest;
                        continue;
                    }
                    foreach (var nested in DigestsIn(element))
                    {
                        yield return nested;
                    }
                }
                break;
        }
    }

    /// <summary>The digest of a <c>{"...": digest}</c> array element; null for any other element.</summary>
    internal static string? ArrayElementDigest(JsonNode? element) =>
        element is JsonObject { Count: 1 } obj && obj.TryGetPropertyValue(SdJwtConstants.ArrayElementDigestKey, out var d)
            && d is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : null;
}
