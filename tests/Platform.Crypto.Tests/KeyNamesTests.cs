namespace Platform.Crypto.Tests;

public sealed class KeyNamesTests
{
    [Theory]
    [InlineData("record-kek", true)]
    [InlineData("A1-b2", true)]
    [InlineData("", false)]
    [InlineData("../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("kek_1", false)]
    public void Names_follow_the_key_vault_rule(string name, bool valid) => Assert.Equal(valid, KeyNames.IsValid(name));

    [Fact]
    public void Names_longer_than_127_characters_are_rejected()
    {
        Assert.True(KeyNames.IsValid(new string('a', 127)));
        Assert.Throws<ArgumentException>(() => KeyNames.Validate(new string('a', 128)));
    }
}
