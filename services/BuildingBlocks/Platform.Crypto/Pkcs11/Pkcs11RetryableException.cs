namespace Platform.Crypto.Pkcs11;

/// <summary>
/// An answer from the token that the same call may not give again: a key it holds is "not found", a signature does
/// not verify, a wrapped key does not unwrap to what was wrapped. Retried like a module error; never leaves the
/// provider (callers turn what is left after the last attempt into a <see cref="KeyProviderException"/> or
/// <see cref="KeyUnwrapException"/>).
/// </summary>
internal sealed class Pkcs11RetryableException(string message, bool objectMissing = false) : Exception(message)
{
    /// <summary>The failure is that an object was not found (as opposed to a wrong result).</summary>
    public bool ObjectMissing { get; } = objectMissing;
}
