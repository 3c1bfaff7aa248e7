using Microsoft.EntityFrameworkCore;

namespace Platform.Identity.Oidc;

/// <summary>
/// Hands a shared entity copy to a request as if its database context had loaded it: attached unchanged, or the
/// instance the context already tracks under the same key. OpenIddict's stores then update or delete it as they would
/// a loaded one (optimistic concurrency on its concurrency token included), and a later query for the same row in the
/// request returns this instance instead of colliding with it.
/// </summary>
internal static class TrackedCopy
{
    public static TEntity Attach<TEntity>(DbContext context, TEntity copy, Func<TEntity, string?> key) where TEntity : class
    {
        var id = key(copy);
        var tracked = context.Set<TEntity>().Local.FirstOrDefault(e => string.Equals(key(e), id, StringComparison.Ordinal));
        if (tracked is not null)
        {
            return tracked;
        }
        context.Attach(copy);
        return copy;
    }
}
