namespace Platform.Identity.Kyc;

/// <summary>
/// One thing wrong with an MRZ: a stable code (see <see cref="MrzProblemCodes"/>), where it is (1-based line and
/// character position, as Doc 9303 counts them) and a readable message. Messages never echo the field's content.
/// </summary>
public sealed record MrzProblem(string Code, int Line, int Position, int Length, string Message)
{
    public override string ToString() => $"{Code} (line {Line}, position {Position}): {Message}";
}
