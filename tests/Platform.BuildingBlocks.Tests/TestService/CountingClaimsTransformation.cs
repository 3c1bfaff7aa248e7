using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>How many times the test service's authentication results went through claims transformation.</summary>
public sealed class ClaimsTransformationLog
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}

/// <summary>
/// Counts every call and answers a copy of the principal, as transformations that add claims do: ASP.NET Core's
/// authentication service then transforms again on each further authentication pass of the request (it skips only
/// principals it produced itself), so the count says how many passes a request took.
/// </summary>
public sealed class CountingClaimsTransformation(ClaimsTransformationLog log) : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        log.Add();
        return Task.FromResult(principal.Clone());
    }
}
