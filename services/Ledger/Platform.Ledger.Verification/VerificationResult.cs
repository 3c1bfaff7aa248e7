namespace Platform.Ledger.Verification;

/// <summary>The outcome of a verification: valid, or the first reason it is not.</summary>
public sealed record VerificationResult(bool IsValid, string Reason)
{
    public static VerificationResult Valid(string summary) => new(true, summary);

    public static VerificationResult Invalid(string reason) => new(false, reason);
}
