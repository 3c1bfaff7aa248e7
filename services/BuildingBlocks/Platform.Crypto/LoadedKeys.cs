using System.Collections.Concurrent;

namespace Platform.Crypto;

/// <summary>
/// The KEKs and signing keys a provider has loaded, by name. Shared by every provider so that each one behaves the
/// same way: a key is loaded (or created) once; concurrent callers for a key that is not loaded yet wait for that one
/// load instead of racing it (two "missing, create" paths would create two versions); and rotation runs under the same
/// single gate, so it never interleaves with a load or with another rotation.
/// </summary>
internal sealed class LoadedKeys<TKeyEncryptionKey, TSigningKey> : IDisposable
    where TKeyEncryptionKey : class, IKeyEncryptionKey
    where TSigningKey : class, ISigningKey
{
    private readonly ConcurrentDictionary<string, TKeyEncryptionKey> _keyEncryptionKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TSigningKey> _signingKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IRsaSigningKey> _rsaSigningKeys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Names of the loaded keys: KEKs first, then signing keys.</summary>
    public IEnumerable<string> Names => _keyEncryptionKeys.Keys.Concat(_signingKeys.Keys).Concat(_rsaSigningKeys.Keys);

    /// <summary>The loaded RSA signing keys (for providers whose keys hold resources to dispose).</summary>
    public IEnumerable<IRsaSigningKey> RsaSigningKeys => _rsaSigningKeys.Values;

    /// <summary>The loaded signing keys (for providers whose signing keys hold resources to dispose).</summary>
    public IEnumerable<TSigningKey> SigningKeys => _signingKeys.Values;

    /// <summary>Returns the loaded KEK, or runs <paramref name="load"/> under the gate and keeps its result.</summary>
    public Task<TKeyEncryptionKey> GetOrLoadKeyEncryptionKeyAsync(string name, Func<CancellationToken, Task<TKeyEncryptionKey>> load,
        CancellationToken cancellationToken) =>
        GetOrLoadAsync(_keyEncryptionKeys, name, load, cancellationToken);

    /// <summary>Returns the loaded signing key, or runs <paramref name="load"/> under the gate and keeps its result.</summary>
    public Task<TSigningKey> GetOrLoadSigningKeyAsync(string name, Func<CancellationToken, Task<TSigningKey>> load,
        CancellationToken cancellationToken) =>
        GetOrLoadAsync(_signingKeys, name, load, cancellationToken);

    /// <summary>Returns the loaded RSA signing key, or runs <paramref name="load"/> under the gate and keeps its result.</summary>
    public Task<IRsaSigningKey> GetOrLoadRsaSigningKeyAsync(string name, Func<CancellationToken, Task<IRsaSigningKey>> load,
        CancellationToken cancellationToken) =>
        GetOrLoadAsync(_rsaSigningKeys, name, load, cancellationToken);

    /// <summary>Runs <paramref name="action"/> (a rotation) while no load or other rotation is running.</summary>
    public async Task<T> RunExclusiveAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<TKey> GetOrLoadAsync<TKey>(ConcurrentDictionary<string, TKey> keys, string name,
        Func<CancellationToken, Task<TKey>> load, CancellationToken cancellationToken)
        where TKey : class
    {
        if (keys.TryGetValue(name, out var loaded))
        {
            return loaded;
        }
        return await RunExclusiveAsync(async token =>
        {
            if (keys.TryGetValue(name, out var loadedMeanwhile))
            {
                return loadedMeanwhile;
            }
            var key = await load(token).ConfigureAwait(false);
            keys[name] = key;
            return key;
        }, cancellationToken).ConfigureAwait(false);
    }
}
