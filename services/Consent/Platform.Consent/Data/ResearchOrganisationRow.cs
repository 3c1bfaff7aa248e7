using Platform.Consent.Core;

namespace Platform.Consent.Data;

/// <summary>A research organisation as stored (times in Unix milliseconds). <see cref="Status"/> is the concurrency token: of two reviews at once, one wins.</summary>
public sealed class ResearchOrganisationRow
{
    public Guid Id { get; set; }
    public string LegalName { get; set; } = "";
    public string RegistrationNumber { get; set; } = "";
    public string Country { get; set; } = "";
    public string RegisteredAddress { get; set; } = "";
    public string Representative { get; set; } = "";
    public long RegisteredAtMs { get; set; }
    public string Status { get; set; } = "";
    public string? ReviewedBy { get; set; }
    public long? ReviewedAtMs { get; set; }
    public string? RejectionReason { get; set; }

    public static ResearchOrganisationRow From(ResearchOrganisation organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        var row = new ResearchOrganisationRow { Id = organisation.Id };
        row.CopyFrom(organisation);
        return row;
    }

    public void CopyFrom(ResearchOrganisation organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        LegalName = organisation.LegalName;
        RegistrationNumber = organisation.RegistrationNumber;
        Country = organisation.Country;
        RegisteredAddress = organisation.RegisteredAddress;
        Representative = organisation.RepresentativePseudonym;
        RegisteredAtMs = organisation.RegisteredAt.ToUnixTimeMilliseconds();
        Status = StatusCode(organisation.Status);
        ReviewedBy = organisation.ReviewedBy;
        ReviewedAtMs = organisation.ReviewedAt?.ToUnixTimeMilliseconds();
        RejectionReason = organisation.RejectionReason;
    }

    public ResearchOrganisation ToOrganisation() => new()
    {
        Id = Id,
        LegalName = LegalName,
        RegistrationNumber = RegistrationNumber,
        Country = Country,
        RegisteredAddress = RegisteredAddress,
        RepresentativePseudonym = Representative,
        RegisteredAt = DateTimeOffset.FromUnixTimeMilliseconds(RegisteredAtMs),
        Status = Enum.TryParse<OrganisationStatus>(Status, ignoreCase: true, out var status)
            ? status
            : throw new InvalidDataException($"Research organisation {Id} has an unknown status."),
        ReviewedBy = ReviewedBy,
        ReviewedAt = ReviewedAtMs is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
        RejectionReason = RejectionReason,
    };

    /// <summary>The status as stored and shown: <c>pending</c>, <c>verified</c>, <c>rejected</c>.</summary>
    public static string StatusCode(OrganisationStatus status) => status.ToString().ToLowerInvariant();
}
