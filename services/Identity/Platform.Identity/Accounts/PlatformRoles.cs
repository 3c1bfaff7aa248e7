namespace Platform.Identity.Accounts;

/// <summary>The roles an account can hold; released in the <c>role</c> claim.</summary>
public static class PlatformRoles
{
    public const string Patient = "patient";
    public const string Clinician = "clinician";
    public const string KycReviewer = "kyc-reviewer";
    public const string Admin = "admin";

    public static readonly string[] All = [Patient, Clinician, KycReviewer, Admin];
}
