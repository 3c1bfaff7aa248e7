using Platform.Contracts.CodeLists;

namespace Platform.RecordVault.Records;

/// <summary>
/// The three things a caller can do to a record. They are separate permissions: reading and writing need their
/// own consent action (FHIR consentaction <c>access</c> and <c>correct</c>); erasing needs no consent because no
/// consent can grant it — only the patient erases (and an admin, through the audited erasure procedure).
/// </summary>
public enum RecordOperation
{
    Read = 1,
    Write = 2,
    Erase = 3,
}

public static class RecordOperations
{
    /// <summary>The action the signed access event and the access log name (<c>SignedEventRules.AccessActions</c>).</summary>
    public static string AuditAction(this RecordOperation operation) => operation switch
    {
        RecordOperation.Read => "read",
        RecordOperation.Write => "write",
        RecordOperation.Erase => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a record operation."),
    };

    /// <summary>The consent action a clinician needs; erasure has none (no consent grants it).</summary>
    public static string? ConsentAction(this RecordOperation operation) => operation switch
    {
        RecordOperation.Read => ProvisionActions.Access,
        RecordOperation.Write => ProvisionActions.Correct,
        _ => null,
    };
}
