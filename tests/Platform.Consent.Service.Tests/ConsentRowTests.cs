using Platform.Consent.Core;
using Platform.Consent.Data;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// A row's code columns are split once per distinct text (issue 18); a row becomes a consent only when every code in
/// them is known, however often the same text has been read before.
/// </summary>
public sealed class ConsentRowTests
{
    private static ConsentRow Row(string categories) => new()
    {
        Id = Guid.NewGuid(),
        Subject = "patient-row-0001",
        GranteeKind = GranteeKindCodes.Practitioner,
        GranteeId = "doctor-row-0001",
        Categories = categories,
        Purposes = "TREAT",
        Actions = "access",
        ValidFromMs = 1_700_000_000_000,
        Status = "active",
        Version = 1,
        CreatedAtMs = 1_700_000_000_000,
        UpdatedAtMs = 1_700_000_000_000,
    };

    [Fact]
    public void Rows_with_the_same_code_text_share_one_split_and_keep_their_codes()
    {
        var first = Row("observation condition").ToConsent();
        var second = Row("observation condition").ToConsent();

        Assert.Equal(["condition", "observation"], first.Categories);
        Assert.Same(first.Categories, second.Categories);
    }

    [Fact]
    public void A_row_with_an_unknown_code_is_refused_each_time_it_is_read()
    {
        Assert.Throws<InvalidDataException>(() => Row("observation everything").ToConsent());
        Assert.Throws<InvalidDataException>(() => Row("observation everything").ToConsent());
        Assert.Throws<InvalidDataException>(() => Row("  ").ToConsent());
    }
}
