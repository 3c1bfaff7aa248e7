using System.Net;

namespace Platform.ClinicianPortal.Apis;

/// <summary>
/// What an API said: the value, or the refusal with its status and problem+json <c>detail</c> and <c>code</c>, which
/// the pages show as they are (the services' refusals are written for people).
/// </summary>
public sealed record ApiAnswer<T>(HttpStatusCode Status, T? Value, string? Refusal, string? Code)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}
