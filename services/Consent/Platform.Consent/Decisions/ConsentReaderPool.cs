using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;

namespace Platform.Consent.Decisions;

/// <summary>
/// A few database connections kept open for decisions, each with the decision's statement prepared on it
/// (<see cref="ConsentReader"/>). Issue 18: opening and closing the pooled context's connection on every decision
/// queued callers on Microsoft.Data.Sqlite's pool lock and prepared the statement again each time; a reader handed out
/// from a lock-free queue does neither. Same database, same statement and index, no cache: each read is its own
/// autocommit statement, so it sees every change committed before it (a revoke that has returned included).
/// The connection string and provider are the consent context's, learned from one context on first use.
/// </summary>
public sealed class ConsentReaderPool(IServiceScopeFactory scopes) : IDisposable
{
    // More than the readers busy at once on two to eight cores; a reader beyond it is closed when handed back.
    private static readonly int MaxIdle = Math.Max(8, Environment.ProcessorCount * 4);
    private readonly ConcurrentQueue<ConsentReader> _idle = new();
    private (DbProviderFactory Factory, string ConnectionString)? _source;
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>A patient's consents naming one grantee, read on an idle reader (a new one when none is idle).</summary>
    public async Task<List<ConsentRow>> ReadAsync(string subject, string actor, CancellationToken cancellationToken)
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
        List<ConsentRow> rows;
        try
        {
            rows = await reader.ReadAsync(subject, actor, cancellationToken);
        }
        catch
        {
            // A connection that failed (a dropped PostgreSQL session, a cancelled read) is not handed out again.
            reader.Dispose();
            throw;
        }
        GiveBack(reader);
        return rows;
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
