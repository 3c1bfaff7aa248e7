using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Crypto;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Records;

/// <summary>
/// Rotates the key-encryption key and rewraps every stored data key to the new version — unwrap and wrap only;
/// no record is decrypted. Progress lives in the database (each version row records its KEK version), so a rewrap
/// interrupted by a restart resumes where it stopped; reads keep working throughout because every row names the
/// KEK version that unwraps it.
/// </summary>
public sealed partial class KeyRotation(IServiceScopeFactory scopes, IKeyProvider keys, IOptions<RecordVaultOptions> options, ILogger<KeyRotation> logger)
{
    private const int BatchSize = 200;

    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        var version = await keys.RotateKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        LogRotated(logger, options.Value.KekName, version);
        return version;
    }

    public async Task<RewrapProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var total = await db.RecordVersions.CountAsync(v => v.WrappedKey != null, cancellationToken);
        var pending = await db.RecordVersions.CountAsync(v => v.WrappedKey != null && (v.KekName != kek.KeyName || v.KekVersion != kek.CurrentVersion), cancellationToken);
        return new RewrapProgress(kek.KeyName, kek.CurrentVersion, total, total - pending, pending);
    }

    /// <summary>Rewraps one batch; returns how many keys it moved to the current KEK version (0 when done).</summary>
    public async Task<int> RewrapBatchAsync(CancellationToken cancellationToken)
    {
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var batch = await db.RecordVersions
            .Where(v => v.WrappedKey != null && v.KekName == kek.KeyName && v.KekVersion != kek.CurrentVersion)
            .Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var version in batch)
        {
            var rewrapped = await Rewrap.ToCurrentVersionAsync(new WrappedKey(version.KekName, version.KekVersion, version.WrapAlgorithm, version.WrappedKey!), kek, cancellationToken);
            version.KekVersion = rewrapped.KeyVersion;
            version.WrapAlgorithm = rewrapped.Algorithm;
            version.WrappedKey = rewrapped.Ciphertext;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A version was erased (or rewrapped elsewhere) meanwhile; the wrapped key is the concurrency token, so
            // an erasure is never undone. The next batch picks up whatever is still due.
            return 0;
        }
        return batch.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key-encryption key {KekName} rotated to version {Version}; rewrapping data keys")]
    private static partial void LogRotated(ILogger logger, string kekName, string version);
}

/// <summary>How far the rewrap is: data keys under the current KEK version, and how many remain.</summary>
public sealed record RewrapProgress(string KekName, string CurrentVersion, int Total, int Done, int Remaining);
