namespace Platform.Consent.Core;

/// <summary>Why a consent operation was refused: a stable code (see <see cref="ConsentErrorCodes"/>) and a readable message.</summary>
public sealed record ConsentError(string Code, string Message);
