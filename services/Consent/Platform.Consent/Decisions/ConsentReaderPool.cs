using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Core;
using Platform.Consent.Data;

namespace Platform.Consent.Decisions;

/// <summary>
/// A few database connections kept open for decisions, each with the decision's statement prepared on it
/// (<see cref="ConsentReader"/>). Issue 18: opening and closing the pooled context's connection on every decision
/// queued callers on Microsoft.Data.Sqlite's pool lock and prepared the statement again each time; a reader handed out
/// from a lock-free queue does neither. Each read is its own autocommit statement, so it sees every change committed
/// before it (a revoke that has returned included); on SQLite the consents it found are kept in
/// <see cref="DecisionConsentCache"/> until the next commit. The connection string and provider are the consent
/// context's, learned from one context on first use.
/// </summary>
public sealed class ConsentReaderPool(IServiceScopeFactory scopes, DecisionConsentCache cache) : IDisposable
{
    public const string MeterName = "Platform.Consent.Decisions";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Reads = Meter.CreateCounter<long>("platform.consent.decision.reads",
        description: "Consent lookups for decisions, by where the consents came from (source: cache or database)");
    private static readonly KeyValuePair<string, object?> FromCache = new("source", "cache");
    private static readonly KeyValuePair<string, object?> FromDatabase = new("source", "database");

    // More than the readers busy at once on two to eight cores; a reader beyond it is closed when handed back.
    private static readonly int MaxIdle = Math.Max(8, Environment.ProcessorCount * 4);
    private readonly ConcurrentQueue<ConsentReader> _idle = new();
    private (DbProviderFactory Factory, string ConnectionString)? _source;
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>
    /// A patient's consents naming one grantee: from <see cref="DecisionConsentCache"/> when nothing has been committed
    /// since they were read there, else read on an idle reader (a new one when none is idle). On PostgreSQL every call
    /// reads: there is no cheap way to learn that another replica committed a revoke.
    /// </summary>
    public async Task<IReadOnlyList<PatientConsent>> ReadAsync(string subject, string actor, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _idle.TryDequeue(out var idle) ? idle : null;
        if (reader is not null)
        {
            Interlocked.Decrement(ref _idleCount);
        }
        else
        {
            reader = await OpenAsync(cancellationToken);
        }
        var caching = cache.Enabled && reader.SeesCommits;
        long epoch = 0;
        List<ConsentRow> rows;
        try
        {
            if (caching)
            {
                if (reader.CommittedSinceLastAsked())
                {
                    cache.Invalidate();
                }
                epoch = cache.Epoch;
                if (cache.TryGet(subject, actor, epoch, out var kept))
                {
                    GiveBack(reader);
                    Reads.Add(1, FromCache);
                    return kept;
                }
            }
            rows = await reader.ReadAsync(subject, actor, cancellationToken);
        }
        catch
        {
            // A connection that failed (a dropped PostgreSQL session, a cancelled read) is not handed out again.
            reader.Dispose();
            throw;
        }
        GiveBack(reader);
        Reads.Add(1, FromDatabase);
        var consents = new PatientConsent[rows.Count];
        for (var i = 0; i < consents.Length; i++)
        {
            consents[i] = rows[i].ToConsent();
        }
        if (caching)
        {
            cache.Add(subject, actor, epoch, consents);
        }
        return consents;
    }

    private void GiveBack(ConsentReader reader)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            reader.Dispose();
            return;
        }
        _idle.Enqueue(reader);
        if (_disposed && _idle.TryDequeue(out var late))
        {
            late.Dispose();
        }
    }

    private async Task<ConsentReader> OpenAsync(CancellationToken cancellationToken)
    {
        var (factory, connectionString) = _source ??= Source();
        var connection = factory.CreateConnection()
            ?? throw new InvalidOperationException($"{factory.GetType().Name} creates no connections.");
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(cancellationToken);
            return ConsentReader.Prepare(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private (DbProviderFactory, string) Source()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var connection = db.Database.GetDbConnection();
        var connectionString = db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The consent context has no connection string.");
        return (DbProviderFactories.GetFactory(connection) ?? throw new InvalidOperationException($"{connection.GetType().Name} names no provider factory."),
            connectionString);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var reader))
        {
            reader.Dispose();
        }
    }
}
