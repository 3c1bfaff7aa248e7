using System.Collections.Immutable;
using Platform.Consent.Core;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

/// <summary>
/// A stored row's code lists reach <see cref="PatientConsent.Restore"/> as sets split once per distinct column text
/// (issue 18): the set is reused, but every code in it is still checked against its code list on every restore.
/// </summary>
public sealed class RestoreFromSortedSetTests
{
    private static ConsentResult<PatientConsent> Restore(ImmutableSortedSet<string> categories) =>
        PatientConsent.Restore(ConsentId, Patient, new Grantee(GranteeKind.Practitioner, Doctor), categories,
            ImmutableSortedSet.Create(StringComparer.Ordinal, PurposesOfUse.Treatment), Start, End, ConsentStatus.Active, 1, Now, Now,
            ImmutableSortedSet.Create(StringComparer.Ordinal, ProvisionActions.Access));

    [Fact]
    public void A_known_ordinal_set_is_kept_as_it_is()
    {
        var categories = ImmutableSortedSet.Create(StringComparer.Ordinal, RecordCategories.Observation, RecordCategories.Condition);

        var restored = Restore(categories);

        Assert.True(restored.IsSuccess);
        Assert.Same(categories, restored.Value!.Categories);
    }

    [Fact]
    public void An_unknown_code_in_a_set_is_refused_every_time()
    {
        var tampered = ImmutableSortedSet.Create(StringComparer.Ordinal, RecordCategories.Observation, "everything");

        Assert.Equal(ConsentErrorCodes.UnknownCategory, Restore(tampered).Error!.Code);
        Assert.Equal(ConsentErrorCodes.UnknownCategory, Restore(tampered).Error!.Code);
    }

    [Fact]
    public void An_empty_set_is_refused()
    {
        Assert.Equal(ConsentErrorCodes.NoCategories, Restore(ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Error!.Code);
    }

    [Fact]
    public void A_set_in_another_order_is_rebuilt_in_ordinal_order()
    {
        var ignoringCase = ImmutableSortedSet.Create(StringComparer.OrdinalIgnoreCase, RecordCategories.Observation, RecordCategories.Condition);

        var restored = Restore(ignoringCase);

        Assert.NotSame(ignoringCase, restored.Value!.Categories);
        Assert.Same(StringComparer.Ordinal, restored.Value.Categories.KeyComparer);
    }
}
