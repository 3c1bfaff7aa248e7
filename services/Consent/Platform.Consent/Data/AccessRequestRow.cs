using Platform.Consent.Core;

namespace Platform.Consent.Data;

/// <summary>
/// A clinician's request for access, as stored (times in Unix milliseconds, sets space-separated, like
/// <see cref="ConsentRow"/>). <see cref="Status"/> is the concurrency token: of two answers at once (two tabs), one
/// wins and the other gets a conflict, so a request makes at most one consent.
/// </summary>
public sealed class AccessRequestRow
{
    public Guid Id { get; set; }
    public string Patient { get; set; } = "";
    public string Clinician { get; set; } = "";
    public string Categories { get; set; } = "";
    public string Purposes { get; set; } = "";
    public long DurationMs { get; set; }
    public long RequestedAtMs { get; set; }
    public long ExpiresAtMs { get; set; }
    public string Status { get; set; } = "";
    public long? DecidedAtMs { get; set; }
    public Guid? ConsentId { get; set; }

    public static AccessRequestRow From(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var row = new AccessRequestRow { Id = request.Id };
        row.CopyFrom(request);
        return row;
    }

    public void CopyFrom(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Patient = request.PatientPseudonym;
        Clinician = request.Clinician;
        Categories = string.Join(' ', request.Categories);
        Purposes = string.Join(' ', request.Purposes);
        DurationMs = (long)request.Duration.TotalMilliseconds;
        RequestedAtMs = request.RequestedAt.ToUnixTimeMilliseconds();
        ExpiresAtMs = request.ExpiresAt.ToUnixTimeMilliseconds();
        Status = request.Status.ToCode();
        DecidedAtMs = request.DecidedAt?.ToUnixTimeMilliseconds();
        ConsentId = request.ConsentId;
    }

    public AccessRequest ToRequest()
    {
        if (!AccessRequestStatusCodes.TryParse(Status, out var status))
        {
            throw new InvalidDataException($"Access request {Id} has an unknown status.");
        }
        return new AccessRequest
        {
            Id = Id,
            PatientPseudonym = Patient,
            Clinician = Clinician,
            Categories = Categories.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Purposes = Purposes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Duration = TimeSpan.FromMilliseconds(DurationMs),
            RequestedAt = DateTimeOffset.FromUnixTimeMilliseconds(RequestedAtMs),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs),
            Status = status.Value,
            DecidedAt = DecidedAtMs is { } decided ? DateTimeOffset.FromUnixTimeMilliseconds(decided) : null,
            ConsentId = ConsentId,
        };
    }
}
