namespace Platform.Identity.Kyc;

/// <summary>Start the automated checks on the submitted evidence.</summary>
public sealed record BeginChecksCommand(Guid CommandId, int ExpectedVersion, string Actor);
