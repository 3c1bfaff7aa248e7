using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>
/// Where a credential's revocation bit lives (draft-ietf-oauth-status-list): written as
/// <c>"status": {"status_list": {"idx": Index, "uri": Uri}}</c>, always in the clear.
/// </summary>
public sealed record StatusListReference
{
    public StatusListReference(Uri uri, long index)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The status list URI must be absolute.", nameof(uri));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Uri = uri;
        Index = index;
    }

    public Uri Uri { get; }

    public long Index { get; }

    public JsonObject ToStatusClaim() => new()
    {
        ["status_list"] = new JsonObject
        {
            ["idx"] = Index,
            ["uri"] = Uri.AbsoluteUri,
        },
    };
}
