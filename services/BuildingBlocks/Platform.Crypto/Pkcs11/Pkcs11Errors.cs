using Net.Pkcs11Interop.Common;

namespace Platform.Crypto.Pkcs11;

/// <summary>Which failures of a token call are worth another attempt, and how to name them in messages.</summary>
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
