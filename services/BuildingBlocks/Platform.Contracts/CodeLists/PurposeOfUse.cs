namespace Platform.Contracts.CodeLists;

/// <summary>One HL7 v3 ActReason PurposeOfUse code a consent can be granted for.</summary>
public sealed record PurposeOfUse(string Code, string Display)
{
    public string FhirSystem => PurposesOfUse.System;
}
