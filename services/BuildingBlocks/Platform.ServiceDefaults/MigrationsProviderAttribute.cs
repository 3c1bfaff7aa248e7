namespace Platform.ServiceDefaults;

/// <summary>
/// Marks the subclass of a service's DbContext that carries one provider's migrations. EF Core binds a migration to a
/// context type, so a service keeps one context type per provider, each with its own migration set
/// (<c>Data/Migrations/Postgres</c>, <c>Data/Migrations/Sqlite</c>): EF Core's documented pattern for
/// "migrations with multiple providers". <see cref="ServiceDatabase"/> registers the subclass of the configured
/// provider under the service's own context type, so the rest of the service never sees it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MigrationsProviderAttribute(DatabaseProvider provider) : Attribute
{
    public DatabaseProvider Provider { get; } = provider;
}
