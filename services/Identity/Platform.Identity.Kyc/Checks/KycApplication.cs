namespace Platform.Identity.Kyc;

/// <summary>Everything the automated checks read: whose case it is, the form, and the MRZ text as captured (OCR or typed).</summary>
public sealed record KycApplication(string OwnerId, KycFormData Form, string Mrz)
{
    public override string ToString() => $"KycApplication {{ OwnerId = {OwnerId} }}";
}
