using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// A configuration of the consortium and the tree size from which it is in force (0 for the founding one). A
/// checkpoint of size S can be final under the configuration in force when it was taken, or under a later one (its
/// signatures may complete after a change), never under one that a change before S replaced (<see cref="ForkAudit"/>).
/// </summary>
public sealed record ConfigurationEpoch(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("fromTreeSize")] long FromTreeSize,
    [property: JsonPropertyName("configuration")] ConsortiumConfiguration Configuration);
