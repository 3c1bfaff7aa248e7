namespace Platform.RecordVault.Core;

/// <summary>
/// Identifies a cached data key: one record version's key as unwrapped from one KEK version. The KEK version is part
/// of the key so an entry always corresponds to the exact wrapped key a reader holds (after a rewrap the first read
/// unwraps once more, which also proves the new wrapped key works).
/// </summary>
public readonly record struct DataKeyCacheKey(string RecordId, int Version, string KekName, string KekVersion);
