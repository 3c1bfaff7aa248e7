namespace Platform.Crypto;

/// <summary>
/// A data key wrapped by a key-encryption key. This is all a record stores: the wrapped bytes plus which key
/// and which key version wrapped them, so unwrapping still works after the key has been rotated.
/// </summary>
/// <param name="KeyName">Name of the key-encryption key (without version).</param>
/// <param name="KeyVersion">The exact key version that produced <paramref name="Ciphertext"/>.</param>
/// <param name="Algorithm">Wrap algorithm, one of <see cref="KeyAlgorithms"/>.</param>
/// <param name="Ciphertext">The wrapped data key; never the clear key.</param>
public sealed record WrappedKey(string KeyName, string KeyVersion, string Algorithm, byte[] Ciphertext);
