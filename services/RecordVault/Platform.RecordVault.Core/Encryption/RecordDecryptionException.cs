using System.Security.Cryptography;

namespace Platform.RecordVault.Core;

/// <summary>
/// A record version could not be decrypted because its stored bytes, its wrapped key, or the binding presented do not
/// match what was encrypted. It is bad data, not an outage (an unreachable HSM is <c>KeyProviderException</c>).
/// Messages name the record id and version only: never key material, plaintext or the patient.
/// </summary>
public sealed class RecordDecryptionException : CryptographicException
{
    public RecordDecryptionException() : this(RecordDecryptionFailure.AuthenticationFailed, "The record could not be decrypted.") { }

    public RecordDecryptionException(string message) : this(RecordDecryptionFailure.AuthenticationFailed, message) { }

    public RecordDecryptionException(string message, Exception? innerException)
        : this(RecordDecryptionFailure.AuthenticationFailed, message, innerException) { }

    public RecordDecryptionException(RecordDecryptionFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public RecordDecryptionFailure Failure { get; }
}
