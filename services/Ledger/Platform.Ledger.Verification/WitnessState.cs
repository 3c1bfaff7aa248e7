using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// What a witness remembers between runs (<c>ledger audit --state FILE</c>): per ledger, the newest checkpoint it
/// verified and cosigned. The next run asks the members only for checkpoints after it and must connect the new ones
/// to it by consistency proofs before cosigning again, so a member cannot show this witness a history that does not
/// extend what it already saw.
/// </summary>
public sealed record WitnessState(
    [property: JsonPropertyName("witness")] string Witness,
    [property: JsonPropertyName("ledgers")] Dictionary<string, WitnessedLedger> Ledgers);

/// <summary>The last consistent head of one ledger and the cosignature the witness made over it.</summary>
public sealed record WitnessedLedger(
    [property: JsonPropertyName("head")] SignedCheckpoint Head,
    [property: JsonPropertyName("cosignature")] WitnessCosignature Cosignature);
