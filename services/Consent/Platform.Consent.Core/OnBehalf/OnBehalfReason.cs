using System.Globalization;

namespace Platform.Consent.Core;

/// <summary>
/// What counts as a stated reason for granting a consent on a patient's behalf: at least
/// <see cref="MinLength"/> characters and <see cref="MinWords"/> words (a word has a letter in it), at most
/// <see cref="MaxLength"/>, no control characters. A reason like "x" or "ok" says nothing anyone could check later;
/// this one is read by the approving admin, kept with the consent and shown to the patient.
/// </summary>
public static class OnBehalfReason
{
    public const int MinLength = 20;
    public const int MinWords = 3;
    public const int MaxLength = 500;

    public static readonly string Rule =
        $"{MinLength}-{MaxLength} characters and at least {MinWords} words, e.g. the ticket or letter the request came in and who checked it";

    /// <summary>Null when <paramref name="reason"/> is acceptable, else the refusal.</summary>
    public static ConsentError? Check(string? reason)
    {
        var text = reason?.Trim() ?? "";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Count(w => w.Any(char.IsLetter));
        if (text.Length < MinLength || text.Length > MaxLength || words < MinWords || text.Any(c => char.GetUnicodeCategory(c) == UnicodeCategory.Control))
        {
            return new ConsentError(ConsentErrorCodes.OnBehalfReasonRequired, $"A consent granted on a patient's behalf needs a reason of {Rule}.");
        }
        return null;
    }
}
