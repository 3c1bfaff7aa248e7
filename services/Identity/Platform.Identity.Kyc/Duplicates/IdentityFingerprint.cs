namespace Platform.Identity.Kyc;

/// <summary>
/// A keyed hash that stands for one identity document (see <see cref="IdentityFingerprinter"/>): equal documents give
/// equal fingerprints under the same key, and without the key nothing about the document can be learnt or guessed.
/// </summary>
/// <param name="Value">HMAC-SHA256 as 64 lower-case hex characters.</param>
public sealed record IdentityFingerprint(string Value)
{
    public override string ToString() => Value;
}
