namespace Platform.Identity.Kyc;

/// <summary>The name field of an MRZ: primary and secondary identifier, and whether it may have been truncated.</summary>
internal sealed record MrzName(string Primary, string Secondary, bool MayBeTruncated);
