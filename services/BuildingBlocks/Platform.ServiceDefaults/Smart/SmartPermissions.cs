namespace Platform.ServiceDefaults.Smart;

/// <summary>
/// The interactions a SMART App Launch 2.x resource scope grants, one letter each in the fixed order
/// <c>c r u d s</c> (create, read, update, delete, search).
/// </summary>
[Flags]
public enum SmartPermissions
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
}
