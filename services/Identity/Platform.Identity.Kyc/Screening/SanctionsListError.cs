namespace Platform.Identity.Kyc;

/// <summary>Why a line of a list file was refused: 1-based line number, stable code, message.</summary>
public sealed record SanctionsListError(int Line, string Code, string Message)
{
    public const string InvalidJson = "invalid_json";
    public const string UnknownProperty = "unknown_property";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string DuplicateId = "duplicate_id";
    public const string Unreadable = "unreadable";

    public override string ToString() => $"line {Line}: {Code}: {Message}";
}
