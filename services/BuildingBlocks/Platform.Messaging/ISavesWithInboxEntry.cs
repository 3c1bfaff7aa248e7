namespace Platform.Messaging;

/// <summary>
/// Marks a handler that never calls SaveChanges itself: it only adds its writes to the service's scoped DbContext,
/// and the dispatcher saves them with the inbox entry in one SaveChanges, which is one transaction, so they still
/// commit together or not at all. For such a handler the dispatcher opens no transaction around the handler, so slow
/// work the handler awaits (the ledger's Raft commit) does not hold the database's write lock meanwhile: SQLite,
/// the embedded default, admits one writer at a time and EF Core begins its transactions with <c>BEGIN IMMEDIATE</c>,
/// which would serialise every delivery to the service behind that work.
/// </summary>
public interface ISavesWithInboxEntry;
