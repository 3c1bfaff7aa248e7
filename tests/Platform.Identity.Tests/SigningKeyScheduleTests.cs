using Platform.Identity.Oidc;

namespace Platform.Identity.Tests;

/// <summary>
/// Which key generation signs, waits and verifies over a rotation (docs/identity.md "Signing keys and rotation"):
/// the staged key is published before it signs, and the key it replaces signs until then and verifies after.
/// </summary>
public sealed class SigningKeyScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 7, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static IReadOnlyList<int> Numbers(IEnumerable<SigningKeyGeneration> generations) => generations.Select(g => g.Number).ToList();

    [Fact]
    public void A_staged_generation_is_published_ahead_then_signs_and_its_predecessor_verifies_until_the_window_ends()
    {
        var activation = T0.AddMinutes(10);
        var generations = new[]
        {
            new SigningKeyGeneration { Number = 1, CreatedAt = T0.AddDays(-90), RetiredAt = activation },
            new SigningKeyGeneration { Number = 2, CreatedAt = T0, ActivatesAt = activation },
        };

        var before = SigningKeySchedule.At(generations, T0.AddMinutes(9), Window);
        Assert.Equal(1, before.Active.Number);
        Assert.Equal([1, 2], Numbers(before.Published));
        Assert.Equal(activation, before.NextActivation);

        var after = SigningKeySchedule.At(generations, activation, Window);
        Assert.Equal(2, after.Active.Number);
        Assert.Equal([2, 1], Numbers(after.Published));
        Assert.Null(after.NextActivation);

        Assert.Equal([2], Numbers(SigningKeySchedule.At(generations, activation + Window, Window).Published));
    }

    [Fact]
    public void A_generation_staged_and_then_overtaken_by_an_immediate_rotation_is_never_published_again()
    {
        var generations = new[]
        {
            new SigningKeyGeneration { Number = 1, CreatedAt = T0.AddDays(-1), RetiredAt = T0.AddMinutes(1) },
            new SigningKeyGeneration { Number = 2, CreatedAt = T0.AddMinutes(-5), ActivatesAt = T0.AddMinutes(5), RetiredAt = T0.AddMinutes(1) },
            new SigningKeyGeneration { Number = 3, CreatedAt = T0.AddMinutes(1), ActivatesAt = T0.AddMinutes(1) },
        };

        var schedule = SigningKeySchedule.At(generations, T0.AddMinutes(2), Window);

        Assert.Equal(3, schedule.Active.Number);
        Assert.Equal([3, 1], Numbers(schedule.Published));
        Assert.Empty(schedule.Staged);
    }

    [Fact]
    public void Rows_from_before_staging_sign_from_their_creation()
    {
        var generations = new[]
        {
            new SigningKeyGeneration { Number = 1, CreatedAt = T0.AddDays(-9), RetiredAt = T0.AddMinutes(-1) },
            new SigningKeyGeneration { Number = 2, CreatedAt = T0.AddMinutes(-1) },
        };

        var schedule = SigningKeySchedule.At(generations, T0, Window);

        Assert.Equal(2, schedule.Active.Number);
        Assert.Equal([2, 1], Numbers(schedule.Published));
    }

    [Fact]
    public void Without_a_generation_that_signs_now_the_schedule_refuses_rather_than_signing_with_a_staged_key()
    {
        var generations = new[] { new SigningKeyGeneration { Number = 1, CreatedAt = T0, ActivatesAt = T0.AddMinutes(10) } };

        Assert.Throws<InvalidOperationException>(() => SigningKeySchedule.At(generations, T0, Window));
    }
}
