using Net.Pkcs11Interop.Common;

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

internal static class Pkcs11Errors
{
    /// <summary>
    /// A failure of the module or of Pkcs11Interop (<see cref="Pkcs11Exception"/>, <see cref="AttributeValueException"/>,
    /// <see cref="UnmanagedException"/>, …) or a <see cref="Pkcs11RetryableException"/>: worth another attempt, and
    /// never to be mistaken for bad input on its own. Our own <see cref="KeyProviderException"/>s (wrong PIN, no such
    /// token) are not: they are configuration and repeat anyway.
    /// </summary>
    public static bool IsTokenError(Exception ex) =>
        ex is Pkcs11RetryableException || ex.GetType().Assembly == typeof(Pkcs11Exception).Assembly;

    /// <summary>Short description for messages and logs: the PKCS#11 function and code when there is one.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        Pkcs11Exception p => $"{p.Method} {p.RV}",
        Pkcs11RetryableException r => r.Message,
        _ => ex.GetType().Name,
    };
}
