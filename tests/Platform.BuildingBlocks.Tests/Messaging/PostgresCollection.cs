using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
