namespace Platform.Identity.Kyc;

/// <summary>
/// The fields of a machine-readable zone whose every check digit, date, code and character was valid. Values are
/// as printed with fillers removed; <see cref="ToString"/> leaves out everything personal so a logged document leaks
/// nothing.
/// </summary>
public sealed class MrzDocument
{
    public required MrzFormat Format { get; init; }

    /// <summary>The document code without fillers: <c>P</c>, <c>PD</c>, <c>I</c>, <c>ID</c>, <c>AR</c> …</summary>
    public required string DocumentCode { get; init; }

    /// <summary>The issuing state as printed without fillers (<c>D</c> for Germany, <c>UTO</c> for the specimen).</summary>
    public required string IssuingState { get; init; }

    /// <summary>The full document number without fillers (TD1 numbers longer than nine characters included).</summary>
    public required string DocumentNumber { get; init; }

    public required DateOnly BirthDate { get; init; }

    /// <summary>The last day the document is valid.</summary>
    public required DateOnly ExpiryDate { get; init; }

    public required MrzSex Sex { get; init; }

    /// <summary>The holder's nationality as printed without fillers.</summary>
    public required string Nationality { get; init; }

    /// <summary>Primary identifier (family name), components separated by single spaces: <c>ERIKSSON</c>.</summary>
    public required string PrimaryIdentifier { get; init; }

    /// <summary>Secondary identifier (given names), components separated by single spaces: <c>ANNA MARIA</c>; empty when there is none.</summary>
    public required string SecondaryIdentifier { get; init; }

    /// <summary>The name field is full to its last position, so the issuer may have truncated the name.</summary>
    public required bool NameMayBeTruncated { get; init; }

    /// <summary>TD3 personal number, or TD1 optional data of line 1 (after any document number overflow); no fillers.</summary>
    public required string OptionalData { get; init; }

    /// <summary>TD1 optional data of line 2; empty for TD3.</summary>
    public required string OptionalData2 { get; init; }

    /// <summary><see cref="IssuingState"/> for comparisons and output (<c>D</c> → <c>DEU</c>).</summary>
    public string IssuingStateCode => CountryCodes.ToCanonical(IssuingState) ?? IssuingState;

    /// <summary><see cref="Nationality"/> for comparisons and output (<c>D</c> → <c>DEU</c>).</summary>
    public string NationalityCode => CountryCodes.ToCanonical(Nationality) ?? Nationality;

    /// <summary>Issued by, or to a national of, ICAO's specimen state <c>UTO</c>: an example, never a real person.</summary>
    public bool IsSpecimen => CountryCodes.IsSpecimen(IssuingState) || CountryCodes.IsSpecimen(Nationality);

    public override string ToString() => $"MrzDocument {{ Format = {Format}, DocumentCode = {DocumentCode}, IssuingState = {IssuingState} }}";
}
