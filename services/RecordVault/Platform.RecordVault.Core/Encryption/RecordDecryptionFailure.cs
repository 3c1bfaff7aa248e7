namespace Platform.RecordVault.Core;

/// <summary>Why a record version could not be decrypted; none of them is retryable with the same inputs.</summary>
public enum RecordDecryptionFailure
{
    /// <summary>The stored envelope is not well formed: unknown format, wrong nonce/tag length, bad chunk size.</summary>
    MalformedEnvelope,

    /// <summary>The KEK refused the wrapped key (tampered, another KEK's output, unknown version, wrong length).</summary>
    WrappedKeyRejected,

    /// <summary>
    /// GCM authentication failed: the ciphertext, tag or nonce was altered, chunks were reordered, a stream was cut at
    /// a chunk boundary, the data key belongs to another record, or the binding (record id, version, patient,
    /// category) differs from the one used to encrypt. GCM cannot tell these apart, by design.
    /// </summary>
    AuthenticationFailed,

    /// <summary>The stream ended inside a chunk, had bytes after its final chunk, or its length disagrees with the metadata.</summary>
    Truncated,
}
