namespace Platform.ServiceDefaults;

/// <summary>
/// The database's schema is not the one this build expects (pending migrations while the service may not apply
/// them, or no migrations at all). The message says what to run; it never carries a connection string.
/// </summary>
public sealed class DatabaseSchemaException(string message) : Exception(message);
