using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Records;

/// <summary>
/// A read's lookup, compiled once: the record and the version asked for (the current one when none is named), in one
/// query with a left join and nothing tracked (the same on PostgreSQL and SQLite). It replaced two EF queries (record, then version) that cost a read
/// about 1.3 ms of CPU (docs/benchmarks.md, issue #18).
/// </summary>
public static class RecordReadLookup
{
    private static readonly Func<RecordVaultDbContext, Guid, int?, CancellationToken, Task<RecordAndVersion?>> Query =
        EF.CompileAsyncQuery((RecordVaultDbContext db, Guid id, int? versionNumber, CancellationToken _) =>
            // A LEFT JOIN on keys, not a correlated subquery: that would need APPLY / LATERAL, which SQLite lacks.
            (from r in db.Records.AsNoTracking()
             where r.Id == id
             join v in db.RecordVersions.AsNoTracking()
                 on new { Id = r.Id, Version = versionNumber ?? r.CurrentVersion } equals new { Id = v.RecordId, v.Version } into versions
             from v in versions.DefaultIfEmpty()
             select new RecordAndVersion { Record = r, Version = v }).FirstOrDefault());

    /// <summary>Null when there is no such record; <see cref="RecordAndVersion.Version"/> is null when it has no such version.</summary>
    public static Task<RecordAndVersion?> FindAsync(RecordVaultDbContext db, Guid id, int? versionNumber, CancellationToken cancellationToken) =>
        Query(db, id, versionNumber, cancellationToken);
}

/// <summary>A record with one of its versions (none when the asked-for version does not exist).</summary>
public sealed class RecordAndVersion
{
    public required RecordRow Record { get; init; }
    public RecordVersionRow? Version { get; init; }
}
