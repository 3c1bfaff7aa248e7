namespace Platform.Identity.Kyc;

/// <summary>Why a KYC operation was refused: a stable code (see <see cref="KycErrorCodes"/>) and a readable message without personal data.</summary>
public sealed record KycError(string Code, string Message);
