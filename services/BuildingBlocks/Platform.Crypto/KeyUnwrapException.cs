using System.Security.Cryptography;

namespace Platform.Crypto;

/// <summary>
/// A wrapped key could not be unwrapped: tampered bytes, another key's output, or an unknown version.
/// The message names the key and version only, never key material.
/// </summary>
public sealed class KeyUnwrapException : CryptographicException
{
    public KeyUnwrapException() : base("The wrapped key could not be unwrapped.") { }

    public KeyUnwrapException(string message) : base(message) { }

    public KeyUnwrapException(string message, Exception? innerException) : base(message, innerException) { }
}
