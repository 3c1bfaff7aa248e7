namespace Platform.ServiceDefaults;

/// <summary>Which relational engine holds a service's own database (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded default: one SQLite file per service under the data folder.</summary>
    Sqlite,

    /// <summary>Deployed: one PostgreSQL database per service.</summary>
    Postgres,
}
