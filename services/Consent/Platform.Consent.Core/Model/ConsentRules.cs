using System.Collections.Immutable;

namespace Platform.Consent.Core;

/// <summary>The value rules every consent version obeys, shared by grant, narrow and restore.</summary>
internal static class ConsentRules
{
    // Unknown codes are echoed back to help the caller, but never at unbounded length.
    private const int MaxEchoedLength = 40;

    public static ConsentError? CheckIdentity(Guid id, string? subjectPseudonym, Grantee? grantee)
    {
        if (id == Guid.Empty)
        {
            return new(ConsentErrorCodes.InvalidId, "The consent id must not be empty.");
        }
        if (!Pseudonyms.IsValid(subjectPseudonym))
        {
            return new(ConsentErrorCodes.MalformedSubject, $"The subject must be a pseudonymous id ({Pseudonyms.Rule}).");
        }
        if (grantee is null || !Enum.IsDefined(grantee.Kind))
        {
            return new(ConsentErrorCodes.MalformedGrantee, $"The grantee kind must be {GranteeKindCodes.Practitioner} or {GranteeKindCodes.Organization}.");
        }
        if (!Pseudonyms.IsValid(grantee.Id))
        {
            return new(ConsentErrorCodes.MalformedGrantee, $"The grantee id must be a pseudonymous id ({Pseudonyms.Rule}).");
        }
        return null;
    }

    public static ConsentError? ReadCategories(IEnumerable<string?>? codes, out ImmutableSortedSet<string> categories) =>
        ReadCodes(codes, RecordCategories.IsKnown, ConsentErrorCodes.NoCategories, ConsentErrorCodes.UnknownCategory, "record category", out categories);

    public static ConsentError? ReadPurposes(IEnumerable<string?>? codes, out ImmutableSortedSet<string> purposes) =>
        ReadCodes(codes, PurposesOfUse.IsKnown, ConsentErrorCodes.NoPurposes, ConsentErrorCodes.UnknownPurpose, "purpose of use", out purposes);

    public static ConsentError? ReadActions(IEnumerable<string?>? codes, out ImmutableSortedSet<string> actions) =>
        ReadCodes(codes, ProvisionActions.IsKnown, ConsentErrorCodes.NoActions, ConsentErrorCodes.UnknownAction, "action (access, correct)", out actions);

    public static ConsentError? CheckPeriod(DateTimeOffset validFrom, DateTimeOffset? validUntil) =>
        validUntil is { } end && end <= validFrom
            ? new(ConsentErrorCodes.EndBeforeStart, $"The end ({ConsentTimes.ToText(end)}) must be after the start ({ConsentTimes.ToText(validFrom)}).")
            : null;

    public static ConsentError? CheckEndIsAhead(DateTimeOffset? validUntil, DateTimeOffset now) =>
        validUntil is { } end && end <= now
            ? new(ConsentErrorCodes.EndInPast, $"The end ({ConsentTimes.ToText(end)}) has already passed; to stop access now, revoke.")
            : null;

    public static ConsentError? CheckBounds(DateTimeOffset validFrom, DateTimeOffset? validUntil, DateTimeOffset now)
    {
        var latest = now.AddYears(ConsentBounds.MaxYearsAhead);
        return validFrom < ConsentBounds.EarliestStart || validFrom > latest || validUntil > latest
            ? new(ConsentErrorCodes.PeriodOutOfRange,
                $"The period must lie between {ConsentTimes.ToText(ConsentBounds.EarliestStart)} and {ConsentBounds.MaxYearsAhead} years from now; leave validUntil out for a consent without an end.")
            : null;
    }

    public static ImmutableSortedSet<string> EmptySet { get; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    private static ConsentError? ReadCodes(
        IEnumerable<string?>? codes,
        Func<string?, bool> isKnown,
        string emptyCode,
        string unknownCode,
        string what,
        out ImmutableSortedSet<string> set)
    {
        set = EmptySet;
        if (codes is null)
        {
            return new(emptyCode, $"At least one {what} is required.");
        }
        // A set already in ordinal order (a stored column's codes, split once: issue 18) is kept as it is instead of
        // being built again for each consent read; every code is still checked either way.
        var sorted = codes is ImmutableSortedSet<string> given && ReferenceEquals(given.KeyComparer, StringComparer.Ordinal) ? given : null;
        var builder = sorted is null ? EmptySet.ToBuilder() : null;
        foreach (var code in codes)
        {
            if (!isKnown(code))
            {
                return new(unknownCode, $"'{Echo(code)}' is not a known {what} code.");
            }
            builder?.Add(code!);
        }
        if ((sorted?.Count ?? builder!.Count) == 0)
        {
            return new(emptyCode, $"At least one {what} is required.");
        }
        set = sorted ?? builder!.ToImmutable();
        return null;
    }

    private static string Echo(string? code) => code switch
    {
        null => "(null)",
        { Length: > MaxEchoedLength } => string.Concat(code.AsSpan(0, MaxEchoedLength), "..."),
        _ => code,
    };
}
