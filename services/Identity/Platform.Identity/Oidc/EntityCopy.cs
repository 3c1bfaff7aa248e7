using System.Linq.Expressions;
using System.Reflection;

namespace Platform.Identity.Oidc;

/// <summary>
/// A copy of an OpenIddict entity's own columns (every public property with a getter and a setter; navigation
/// collections have no setter and are left empty). The shared entity caches keep such copies and hand each request a
/// copy of its own, so no request sees another's changes and no entity is tracked by two database contexts.
/// </summary>
public static class EntityCopy<TEntity> where TEntity : class, new()
{
    public static TEntity Of(TEntity source)
    {
        var copy = new TEntity();
        CopyColumns(source, copy);
        return copy;
    }

    /// <summary>The properties copied (tests check that every column is among them).</summary>
    public static IReadOnlyList<PropertyInfo> Properties { get; } = typeof(TEntity)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
        .ToArray();

    // After Properties: static fields initialize in declaration order.
    private static readonly Action<TEntity, TEntity> CopyColumns = Compile();

    private static Action<TEntity, TEntity> Compile()
    {
        var from = Expression.Parameter(typeof(TEntity), "from");
        var to = Expression.Parameter(typeof(TEntity), "to");
        var assignments = Properties.Select(p => (Expression)Expression.Assign(Expression.Property(to, p), Expression.Property(from, p))).ToList();
        assignments.Add(Expression.Empty());
        return Expression.Lambda<Action<TEntity, TEntity>>(Expression.Block(assignments), from, to).Compile();
    }
}
