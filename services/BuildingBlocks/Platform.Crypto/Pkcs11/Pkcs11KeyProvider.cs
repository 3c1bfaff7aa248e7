using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Platform.Crypto.Jose;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// Keys on a PKCS#11 token (any HSM; SoftHSM2 in tests). The token is found by label and opened on first use,
/// so a missing HSM shows up in the readiness check rather than crashing startup.
/// <list type="bullet">
/// <item>KEK: AES-256 generated on the token (CKA_TOKEN, CKA_SENSITIVE, not CKA_EXTRACTABLE, CKA_WRAP/CKA_UNWRAP),
/// CKA_LABEL = <see cref="Pkcs11KeyProviderOptions.KeyLabelPrefix"/> + name, CKA_ID = ASCII version ("1", "2", ...).</item>
/// <item>Wrapping: CKM_AES_KEY_WRAP_PAD (RFC 5649) through C_WrapKey / C_UnwrapKey; the result has the same format
/// as the software provider's.</item>
/// <item>Signing: EC P-256 pair generated on the token, CKM_ECDSA over a SHA-256 digest computed in .NET.</item>
/// </list>
/// Rotation adds a new CKA_ID under the same label; rotate from one place at a time (versions are numbered).
/// </summary>
public sealed partial class Pkcs11KeyProvider : IKeyProvider, IDisposable
{
    private readonly Pkcs11KeyProviderOptions _options;
    private readonly ILogger _logger;
    private readonly Pkcs11Token _token;
    private readonly LoadedKeys<Pkcs11KeyEncryptionKey, Pkcs11SigningKey> _loadedKeys = new();

    public Pkcs11KeyProvider(Pkcs11KeyProviderOptions options, ILogger<Pkcs11KeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        _token = new Pkcs11Token(options, logger);
    }

    public string ProviderName => "Pkcs11";

    public async Task<IKeyEncryptionKey> GetKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        return await _loadedKeys.GetOrLoadKeyEncryptionKeyAsync(name, _ => Task.FromResult(LoadOrCreateKek(name)), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<ISigningKey> GetSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        return await _loadedKeys.GetOrLoadSigningKeyAsync(name, _ => Task.FromResult(LoadOrCreateSigningKey(name)), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<IRsaSigningKey> GetRsaSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        return await _loadedKeys.GetOrLoadRsaSigningKeyAsync(name, _ => Task.FromResult<IRsaSigningKey>(LoadOrCreateRsaSigningKey(name)), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<string> RotateKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken)
    {
        var kek = (Pkcs11KeyEncryptionKey)await GetKeyEncryptionKeyAsync(name, cancellationToken).ConfigureAwait(false);
        return await _loadedKeys.RunExclusiveAsync(_ =>
        {
            var version = Execute("rotate", kek.Label, session =>
            {
                var next = KeyVersions.Next(Pkcs11Objects.ListVersions(session, CKO.CKO_SECRET_KEY, kek.Label));
                Pkcs11Objects.GenerateKek(session, kek.Label, next);
                return next;
            });
            kek.SetCurrentVersion(version);
            LogKeyCreated(_logger, "KEK", kek.Label, version, _options.TokenLabel);
            return Task.FromResult(version);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var state = _token.Run(session => session.GetSessionInfo().State);
            return Task.FromResult(state == CKS.CKS_RW_USER_FUNCTIONS);
        }
        catch (Exception ex) when (ex is KeyProviderException || Pkcs11Errors.IsTokenError(ex))
        {
            LogUnavailable(_logger, _options.TokenLabel, ex.GetType().Name);
            return Task.FromResult(false);
        }
    }

    public void Dispose()
    {
        _token.Dispose();
        _loadedKeys.Dispose();
    }

    /// <summary>Runs a raw PKCS#11 operation on the provider's token (tests read key attributes back this way).</summary>
    internal T RunInSession<T>(Func<ISession, T> operation) => _token.Run(operation);

    /// <summary>The provider's token, for tests that inject module failures (<see cref="Pkcs11Token.InterceptSession"/>).</summary>
    internal Pkcs11Token Token => _token;

    internal string LabelFor(string name) => _options.KeyLabelPrefix + name;

    private Pkcs11KeyEncryptionKey LoadOrCreateKek(string name)
    {
        var label = LabelFor(name);
        var (version, created) = Execute("open KEK", label, session =>
        {
            var versions = Pkcs11Objects.ListVersions(session, CKO.CKO_SECRET_KEY, label);
            var created = versions.Count == 0;
            var current = created ? KeyVersions.First : KeyVersions.Format(versions.Max());
            var handle = created
                ? Pkcs11Objects.GenerateKek(session, label, current)
                : Pkcs11Objects.Find(session, CKO.CKO_SECRET_KEY, label, current) ?? throw Missing(label, current);
            Pkcs11Objects.EnsureProtected(session, handle, label, current);
            return (current, created);
        });
        if (created)
        {
            LogKeyCreated(_logger, "KEK", label, version, _options.TokenLabel);
        }
        return new Pkcs11KeyEncryptionKey(_token, name, label, version);
    }

    private Pkcs11SigningKey LoadOrCreateSigningKey(string name)
    {
        var label = LabelFor(name);
        var (version, point, created) = Execute("open signing key", label, session =>
        {
            var versions = Pkcs11Objects.ListVersions(session, CKO.CKO_PRIVATE_KEY, label);
            var created = versions.Count == 0;
            var current = created ? KeyVersions.First : KeyVersions.Format(versions.Max());
            if (created)
            {
                Pkcs11Objects.GenerateSigningKeyPair(session, label, current);
            }
            var privateKey = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, label, current) ?? throw Missing(label, current);
            Pkcs11Objects.EnsureProtected(session, privateKey, label, current);
            var publicKey = Pkcs11Objects.Find(session, CKO.CKO_PUBLIC_KEY, label, current)
                            ?? throw new KeyProviderException($"Signing key '{label}' version {current} has no public key object.");
            var point = session.GetAttributeValue(publicKey, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
            return (current, point, created);
        });
        if (created)
        {
            LogKeyCreated(_logger, "signing key", label, version, _options.TokenLabel);
        }
        var (x, y) = Pkcs11Objects.ReadP256Point(point);
        return new Pkcs11SigningKey(_token, label, version, P256Jwk.ForP256(x, y, $"{name}/{version}"));
    }

    private Pkcs11RsaSigningKey LoadOrCreateRsaSigningKey(string name)
    {
        var label = LabelFor(name);
        var (version, modulus, exponent, created) = Execute("open RSA signing key", label, session =>
        {
            var versions = Pkcs11Objects.ListVersions(session, CKO.CKO_PRIVATE_KEY, label);
            var created = versions.Count == 0;
            var current = created ? KeyVersions.First : KeyVersions.Format(versions.Max());
            if (created)
            {
                Pkcs11Objects.GenerateRsaSigningKeyPair(session, label, current);
            }
            var privateKey = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, label, current) ?? throw Missing(label, current);
            Pkcs11Objects.EnsureProtected(session, privateKey, label, current);
            var publicKey = Pkcs11Objects.Find(session, CKO.CKO_PUBLIC_KEY, label, current)
                            ?? throw new KeyProviderException($"Signing key '{label}' version {current} has no public key object.");
            var values = session.GetAttributeValue(publicKey, [CKA.CKA_KEY_TYPE, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            if (values[0].GetValueAsUlong() != (ulong)CKK.CKK_RSA)
            {
                throw new KeyProviderException($"Signing key '{label}' version {current} is not an RSA key.");
            }
            return (current, values[1].GetValueAsByteArray(), values[2].GetValueAsByteArray(), created);
        });
        if (created)
        {
            LogKeyCreated(_logger, "RSA signing key", label, version, _options.TokenLabel);
        }
        if (modulus.Length * 8 < KeyAlgorithms.RsaSigningKeySize)
        {
            throw new KeyProviderException($"Signing key '{label}' version {version} has {modulus.Length * 8} bits; RS256 needs at least {KeyAlgorithms.RsaSigningKeySize}.");
        }
        return new Pkcs11RsaSigningKey(_token, label, version, $"{name}/{version}",
            new System.Security.Cryptography.RSAParameters { Modulus = modulus, Exponent = exponent });
    }

    /// <summary>Runs a key-management step with the token's retries; what is left is a <see cref="KeyProviderException"/>.</summary>
    private T Execute<T>(string operation, string label, Func<ISession, T> action)
    {
        try
        {
            return _token.RunWithRetries(action);
        }
        catch (Exception ex) when (Pkcs11Errors.IsTokenError(ex))
        {
            throw new KeyProviderException(
                $"PKCS#11 {operation} '{label}' on token '{_options.TokenLabel}' failed {Pkcs11Token.Attempts} times (last: {Pkcs11Errors.Describe(ex)}).", ex);
        }
    }

    /// <summary>A version that was just listed but cannot be found: the token's answer changed, so try again.</summary>
    private static Pkcs11RetryableException Missing(string label, string version) =>
        new($"'{label}' version {version} was listed but not found.", objectMissing: true);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {KeyKind} {Label} version {Version} on PKCS#11 token {TokenLabel}")]
    private static partial void LogKeyCreated(ILogger logger, string keyKind, string label, string version, string tokenLabel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PKCS#11 token {TokenLabel} is not available ({ErrorType})")]
    private static partial void LogUnavailable(ILogger logger, string tokenLabel, string errorType);
}
