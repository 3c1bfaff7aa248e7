namespace Platform.Consent.Core;

/// <summary>A change the projection could not apply as it stood.</summary>
/// <param name="Position">Zero-based index of the change in the replayed sequence.</param>
public sealed record ProjectionProblem(ProjectionProblemKind Kind, int Position, Guid ConsentId, int Version, string Message);
