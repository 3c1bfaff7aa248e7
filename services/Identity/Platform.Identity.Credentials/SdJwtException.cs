namespace Platform.Identity.Credentials;

/// <summary>
/// Input that is not an acceptable SD-JWT. The verifier turns it into a failed <see cref="SdJwtVerificationResult"/>;
/// parsing and holder helpers let it propagate. Messages name claims and positions, never claim values.
/// </summary>
public sealed class SdJwtException : Exception
{
    public SdJwtException(SdJwtError error, string message) : base(message) => Error = error;

    public SdJwtException(SdJwtError error, string message, Exception innerException) : base(message, innerException) => Error = error;

    public SdJwtException() : this(SdJwtError.Malformed, "Malformed SD-JWT.") { }

    public SdJwtException(string message) : this(SdJwtError.Malformed, message) { }

    public SdJwtException(string message, Exception innerException) : this(SdJwtError.Malformed, message, innerException) { }

    public SdJwtError Error { get; }

    /// <summary>Stable wire code of <see cref="Error"/>.</summary>
    public string Code => Error.ToCode();
}
