using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Platform.ClinicianPortal.SignIn;

/// <summary>
/// Keeps each session's ticket (the clinician's claims and the access token) in the portal's memory; the browser's
/// cookie carries only a random key to it. So the access token never leaves the server, and signing out forgets it.
/// One replica only: with <c>ConnectionStrings:Redis</c> set (the chart) the tickets live in Redis (<see cref="RedisTickets"/>).
/// </summary>
public sealed class ServerSideTickets(TimeProvider time) : ITicketStore
{
    private readonly ConcurrentDictionary<string, AuthenticationTicket> _tickets = new(StringComparer.Ordinal);

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        DropExpired();
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _tickets[key] = ticket;
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        _tickets[key] = ticket;
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (_tickets.TryGetValue(key, out var ticket) && !IsExpired(ticket))
        {
            return Task.FromResult<AuthenticationTicket?>(ticket);
        }
        _tickets.TryRemove(key, out _);
        return Task.FromResult<AuthenticationTicket?>(null);
    }

    public Task RemoveAsync(string key)
    {
        _tickets.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private bool IsExpired(AuthenticationTicket ticket) => ticket.Properties.ExpiresUtc is { } end && end <= time.GetUtcNow();

    private void DropExpired()
    {
        foreach (var (key, ticket) in _tickets)
        {
            if (IsExpired(ticket))
            {
                _tickets.TryRemove(key, out _);
            }
        }
    }
}
