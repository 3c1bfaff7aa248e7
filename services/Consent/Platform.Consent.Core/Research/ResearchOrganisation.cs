using System.Text.RegularExpressions;
using Platform.SignedEvents;

namespace Platform.Consent.Core;

/// <summary>
/// A research organisation: the legal entity (name, registration number, country, registered address) and the
/// person who represents it — a platform account whose identity passed KYC, referred to by its pseudonym. It starts
/// pending and a reviewer (the KYC reviewer role) verifies or rejects it; only a verified organisation declares
/// studies. Immutable: each step returns a new value.
/// </summary>
public sealed partial record ResearchOrganisation
{
    public const int MaxLegalNameLength = 200;
    public const int MaxRegistrationNumberLength = 64;
    public const int MaxAddressLength = 500;

    public required Guid Id { get; init; }
    public required string LegalName { get; init; }
    public required string RegistrationNumber { get; init; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; init; }

    public required string RegisteredAddress { get; init; }
    public required string RepresentativePseudonym { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public required OrganisationStatus Status { get; init; }
    public string? ReviewedBy { get; init; }
    public DateTimeOffset? ReviewedAt { get; init; }

    /// <summary>Why a reviewer rejected it (shown to the representative); null when verified or pending.</summary>
    public string? RejectionReason { get; init; }

    /// <summary>
    /// Registers an organisation. <paramref name="representativeVerified"/> is what the representative's token says
    /// about their identity (a completed KYC); without it nothing is registered.
    /// </summary>
    public static ConsentResult<ResearchOrganisation> Register(
        Guid id, string? legalName, string? registrationNumber, string? country, string? registeredAddress,
        string representativePseudonym, bool representativeVerified, DateTimeOffset now)
    {
        if (id == Guid.Empty)
        {
            return ConsentResult<ResearchOrganisation>.Failure(ConsentErrorCodes.InvalidId, "The organisation id must not be empty.");
        }
        if (!Pseudonyms.IsValid(representativePseudonym))
        {
            return ConsentResult<ResearchOrganisation>.Failure(ConsentErrorCodes.MalformedSubject, "The representative is not a pseudonymous id.");
        }
        if (!representativeVerified)
        {
            return ConsentResult<ResearchOrganisation>.Failure(ResearchErrorCodes.RepresentativeNotVerified,
                "The representative of a research organisation must have a verified identity: complete identity verification first.");
        }
        if (ResearchText.Clean(legalName, MaxLegalNameLength) is not { } name)
        {
            return ConsentResult<ResearchOrganisation>.Failure(ResearchErrorCodes.InvalidLegalName,
                $"The legal name is required: 1-{MaxLegalNameLength} characters, no control characters.");
        }
        if (ResearchText.Clean(registrationNumber, MaxRegistrationNumberLength) is not { } number || !RegistrationNumberShape().IsMatch(number))
        {
            return ConsentResult<ResearchOrganisation>.Failure(ResearchErrorCodes.InvalidRegistrationNumber,
                $"The registration number is required: 1-{MaxRegistrationNumberLength} letters, digits, spaces, '-', '/' or '.'.");
        }
        if (country is null || !CountryShape().IsMatch(country))
        {
            return ConsentResult<ResearchOrganisation>.Failure(ResearchErrorCodes.InvalidCountry,
                "The country is an ISO 3166-1 alpha-2 code in upper case, e.g. GB or DE.");
        }
        if (ResearchText.Clean(registeredAddress, MaxAddressLength, multiline: true) is not { } address)
        {
            return ConsentResult<ResearchOrganisation>.Failure(ResearchErrorCodes.InvalidAddress,
                $"The registered address is required: 1-{MaxAddressLength} characters.");
        }
        return ConsentResult<ResearchOrganisation>.Success(new ResearchOrganisation
        {
            Id = id,
            LegalName = name,
            RegistrationNumber = number,
            Country = country,
            RegisteredAddress = address,
            RepresentativePseudonym = representativePseudonym,
            RegisteredAt = ConsentTimes.Floor(now),
            Status = OrganisationStatus.Pending,
        });
    }

    /// <summary>A reviewer verifies the organisation; not its own representative (four eyes), and only while pending.</summary>
    public ConsentResult<ResearchOrganisation> Verify(string reviewer, DateTimeOffset now) =>
        RefuseReview(reviewer) is { } refused
            ? ConsentResult<ResearchOrganisation>.Failure(refused)
            : ConsentResult<ResearchOrganisation>.Success(this with
            {
                Status = OrganisationStatus.Verified,
                ReviewedBy = reviewer,
                ReviewedAt = ConsentTimes.Floor(now),
            });

    /// <summary>A reviewer rejects the organisation with a reason the representative will read.</summary>
    public ConsentResult<ResearchOrganisation> Reject(string reviewer, string? reason, DateTimeOffset now)
    {
        if (RefuseReview(reviewer) is { } refused)
        {
            return ConsentResult<ResearchOrganisation>.Failure(refused);
        }
        if (ResearchText.Clean(reason, 500, multiline: true) is not { } text)
        {
            return ConsentResult<ResearchOrganisation>.Failure(ResearchErrorCodes.ReviewReasonRequired,
                "A rejection needs a reason (1-500 characters) the representative can act on.");
        }
        return ConsentResult<ResearchOrganisation>.Success(this with
        {
            Status = OrganisationStatus.Rejected,
            ReviewedBy = reviewer,
            ReviewedAt = ConsentTimes.Floor(now),
            RejectionReason = text,
        });
    }

    private ConsentError? RefuseReview(string reviewer)
    {
        if (string.Equals(reviewer, RepresentativePseudonym, StringComparison.Ordinal))
        {
            return new ConsentError(ResearchErrorCodes.SelfReview, "The representative of an organisation cannot review it; another reviewer must.");
        }
        return Status == OrganisationStatus.Pending
            ? null
            : new ConsentError(ResearchErrorCodes.OrganisationNotPending, $"The organisation is already {Status.ToString().ToLowerInvariant()}.");
    }

    [GeneratedRegex("^[A-Z]{2}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CountryShape();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ./-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegistrationNumberShape();
}
