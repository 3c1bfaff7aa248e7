namespace Platform.Crypto;

/// <summary>
/// The key provider is unreachable, misconfigured, or refused an operation (as opposed to bad input, which is
/// <see cref="KeyUnwrapException"/>). Messages never contain PINs, tokens, or key material.
/// </summary>
public class KeyProviderException : Exception
{
    public KeyProviderException() : base("The key provider failed.") { }

    public KeyProviderException(string message) : base(message) { }

    public KeyProviderException(string message, Exception? innerException) : base(message, innerException) { }
}
