using System.Diagnostics.CodeAnalysis;

namespace Platform.Identity.Kyc;

/// <summary>A loaded list, or every error in the file; never both. A list with any bad line is refused as a whole, because silently skipping an entry would mean silently not screening against it.</summary>
public sealed class SanctionsListParseResult
{
    internal SanctionsListParseResult(SanctionsList? list, IReadOnlyList<SanctionsListError> errors)
    {
        List = list;
        Errors = errors;
    }

    public SanctionsList? List { get; }

    public IReadOnlyList<SanctionsListError> Errors { get; }

    [MemberNotNullWhen(true, nameof(List))]
    public bool IsSuccess => List is not null;
}
