using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Crypto;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Research;

/// <summary>
/// The master key of the study pseudonyms (<see cref="Core.Research.StudyPseudonyms"/>): 32 random bytes, created on
/// first use and stored only wrapped by the vault's key-encryption key (the HSM in production), in its own table
/// (<see cref="ResearchPseudonymKeyRow"/>), never beside the search index key. Unwrapped for each export and zeroed after:
/// exports are rare, and a key that is not in memory cannot leak from it.
/// </summary>
public sealed class PseudonymMasterKey(IKeyProvider keys, IOptions<RecordVaultOptions> options, TimeProvider time)
{
    public const string KeyName = "research-pseudonyms-v1";

    /// <summary>The unwrapped key; the caller zeroes it (<see cref="CryptographicOperations.ZeroMemory"/>) when done.</summary>
    public async Task<byte[]> UnwrapAsync(RecordVaultDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        var row = await db.ResearchPseudonymKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Name == KeyName, cancellationToken);
        if (row is null)
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            var wrapped = await kek.WrapAsync(fresh, cancellationToken);
            db.ResearchPseudonymKeys.Add(new ResearchPseudonymKeyRow
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
                // Another replica created it first: use theirs, or two exports of one study would disagree.
                CryptographicOperations.ZeroMemory(fresh);
                db.ChangeTracker.Clear();
                row = await db.ResearchPseudonymKeys.AsNoTracking().SingleAsync(k => k.Name == KeyName, cancellationToken);
            }
        }
        return await kek.UnwrapAsync(new WrappedKey(row.KekName, row.KekVersion, row.WrapAlgorithm, row.WrappedKey), cancellationToken);
    }
}
