namespace Platform.Crypto.AzureKeyVault;

/// <summary>
/// Key Vault answered with a non-success status. The message names the operation, key and status and never
/// contains the access token or key material; Key Vault's own error text is kept apart in <see cref="ServiceMessage"/>.
/// </summary>
public sealed class KeyVaultRequestException : KeyProviderException
{
    public KeyVaultRequestException() { }

    public KeyVaultRequestException(string message) : base(message) { }

    public KeyVaultRequestException(string message, Exception? innerException) : base(message, innerException) { }

    public KeyVaultRequestException(string operation, string keyName, int status, string? errorCode, string? serviceMessage, TimeSpan? retryAfter)
        : base(Describe(operation, keyName, status, errorCode, retryAfter))
    {
        Operation = operation;
        KeyName = keyName;
        Status = status;
        ErrorCode = errorCode;
        ServiceMessage = serviceMessage;
        RetryAfter = retryAfter;
    }

    /// <summary>REST operation, e.g. <c>wrapkey</c>.</summary>
    public string Operation { get; } = "";

    public string KeyName { get; } = "";

    /// <summary>HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Key Vault's <c>error.code</c>, e.g. <c>Forbidden</c> or <c>Throttled</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>Key Vault's <c>error.message</c>, for diagnostics; not part of <see cref="Exception.Message"/>.</summary>
    public string? ServiceMessage { get; }

    /// <summary>How long Key Vault asked callers to wait (429/503 Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(string operation, string keyName, int status, string? errorCode, TimeSpan? retryAfter)
    {
        var code = errorCode is null ? "" : $" ({errorCode})";
        var hint = status switch
        {
            401 => " The access token was missing, expired, or issued for another tenant or audience.",
            403 => " The identity lacks permission for this operation (access policy or RBAC role), or a firewall rule denied it.",
            404 => " The key or key version does not exist.",
            429 => retryAfter is { } wait
                ? $" Throttled; retry after {wait.TotalSeconds:0} s."
                : " Throttled; retry later.",
            _ => "",
        };
        return $"Key Vault {operation} for key '{keyName}' failed with HTTP {status}{code}.{hint}";
    }
}
