using Platform.Contracts;

namespace Platform.BuildingBlocks.Tests.TestService;

[IntegrationEventType("test.note-added", 1)]
public sealed record NoteAddedV1(Guid NoteId) : IntegrationEvent;

/// <summary>Its handler does whatever the test scripted for it.</summary>
[IntegrationEventType("test.scripted", 1)]
public sealed record ScriptedV1(string Behaviour) : IntegrationEvent;
