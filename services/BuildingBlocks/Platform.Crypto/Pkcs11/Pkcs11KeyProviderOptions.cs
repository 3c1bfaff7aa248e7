namespace Platform.Crypto.Pkcs11;

/// <summary>Configuration section <c>Pkcs11</c> of the key provider section.</summary>
public sealed class Pkcs11KeyProviderOptions
{
    /// <summary>Path of the vendor's PKCS#11 module, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public string LibraryPath { get; set; } = "";

    /// <summary>Label of the token (partition) that holds the keys; the slot is found by this label.</summary>
    public string TokenLabel { get; set; } = "";

    /// <summary>
    /// User (CKU_USER) PIN. Supply it from a secret (environment variable or secret store), never from a checked-in
    /// file. It is never logged and never appears in exception messages.
    /// </summary>
    public string UserPin { get; set; } = "";

    /// <summary>Prefix of every CKA_LABEL this platform creates, so its keys are recognisable on a shared token.</summary>
    public string KeyLabelPrefix { get; set; } = "platform-";

    /// <summary>Throws when a required setting is missing; messages name settings, never values of secrets.</summary>
    public void Validate()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(LibraryPath)) missing.Add(nameof(LibraryPath));
        if (string.IsNullOrWhiteSpace(TokenLabel)) missing.Add(nameof(TokenLabel));
        if (string.IsNullOrEmpty(UserPin)) missing.Add(nameof(UserPin));
        if (missing.Count > 0)
        {
            throw new KeyProviderException($"The PKCS#11 key provider needs Pkcs11:{string.Join(", Pkcs11:", missing)}.");
        }
    }
}
