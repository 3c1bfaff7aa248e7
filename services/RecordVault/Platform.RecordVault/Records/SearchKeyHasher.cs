using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Crypto;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Records;

/// <summary>
/// The blind index of FHIR token search keys: HMAC-SHA256(key, "fhir-search-v1" ‖ 0 ‖ patient ‖ 0 ‖ parameter ‖ 0 ‖ form),
/// hex. The key is 32 random bytes kept only wrapped by the vault's KEK (<see cref="SearchIndexKeyRow"/>), unwrapped
/// once per process. Binding the patient in means equal codes of two patients hash differently, so the table does
/// not show which patients share a diagnosis; binding the parameter keeps <c>code</c> and <c>category</c> apart.
/// </summary>
public sealed class SearchKeyHasher(IKeyProvider keys, IOptions<RecordVaultOptions> options, TimeProvider time)
{
    private const string KeyName = "fhir-search-v1";
    private static readonly byte[] Label = Encoding.UTF8.GetBytes(KeyName);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _key;

    /// <summary>Token forms (FHIR token search): <c>code</c> (any system), <c>system|code</c> (an empty system: none), <c>system|</c>.</summary>
    public static string CodeForm(string code) => "c\0" + code;

    public static string SystemCodeForm(string? system, string code) => "s\0" + (system ?? "") + "\0" + code;

    public static string SystemForm(string system) => "S\0" + system;

    public string Hash(string patient, string parameter, string form)
    {
        var key = _key ?? throw new InvalidOperationException("Call EnsureLoadedAsync first.");
        var message = new byte[Label.Length + 3 + Encoding.UTF8.GetByteCount(patient) + Encoding.UTF8.GetByteCount(parameter) + Encoding.UTF8.GetByteCount(form)];
        var span = message.AsSpan();
        Label.CopyTo(span);
        var offset = Label.Length + 1;
        offset += Encoding.UTF8.GetBytes(patient, span[offset..]) + 1;
        offset += Encoding.UTF8.GetBytes(parameter, span[offset..]) + 1;
        Encoding.UTF8.GetBytes(form, span[offset..]);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }

    /// <summary>
    /// Loads the key (creating and wrapping it on first use); the key provider is asked once per process. Call it before
    /// anything is tracked in <paramref name="db"/>: the first use saves the key row through it.
    /// </summary>
    public async Task EnsureLoadedAsync(RecordVaultDbContext db, CancellationToken cancellationToken)
    {
        if (_key is not null)
        {
            return;
        }
        await _loading.WaitAsync(cancellationToken);
        try
        {
            _key ??= await LoadAsync(db, cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<byte[]> LoadAsync(RecordVaultDbContext db, CancellationToken cancellationToken)
    {
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        var row = await db.SearchIndexKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Name == KeyName, cancellationToken);
        if (row is null)
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            var wrapped = await kek.WrapAsync(fresh, cancellationToken);
            db.SearchIndexKeys.Add(new SearchIndexKeyRow
            {
                Name = KeyName, KekName = wrapped.KeyName, KekVersion = wrapped.KeyVersion, WrapAlgorithm = wrapped.Algorithm,
                WrappedKey = wrapped.Ciphertext, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return fresh;
            }
            catch (DbUpdateException)
            {
                // Another replica created it first: use theirs.
                db.ChangeTracker.Clear();
                row = await db.SearchIndexKeys.AsNoTracking().SingleAsync(k => k.Name == KeyName, cancellationToken);
            }
        }
        return await kek.UnwrapAsync(new WrappedKey(row.KekName, row.KekVersion, row.WrapAlgorithm, row.WrappedKey), cancellationToken);
    }
}
