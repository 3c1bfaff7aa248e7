using System.Diagnostics.CodeAnalysis;

namespace Platform.Identity.Kyc;

/// <summary>The outcome of <see cref="MrzParser.Parse(string, DateOnly)"/>: a document, or every problem found; never both.</summary>
public sealed class MrzParseResult
{
    private MrzParseResult(MrzDocument? document, IReadOnlyList<MrzProblem> problems)
    {
        Document = document;
        Problems = problems;
    }

    public MrzDocument? Document { get; }

    /// <summary>Empty exactly when <see cref="Document"/> is set.</summary>
    public IReadOnlyList<MrzProblem> Problems { get; }

    [MemberNotNullWhen(true, nameof(Document))]
    public bool IsValid => Document is not null;

    /// <summary>Whether a problem with <paramref name="code"/> was found.</summary>
    public bool Has(string code) => Problems.Any(p => p.Code == code);

    internal static MrzParseResult Valid(MrzDocument document) => new(document, []);

    internal static MrzParseResult Invalid(IReadOnlyList<MrzProblem> problems) =>
        problems.Count > 0 ? new(null, problems) : throw new ArgumentException("An invalid result needs a problem.", nameof(problems));
}
