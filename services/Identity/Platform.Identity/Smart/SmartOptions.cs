namespace Platform.Identity.Smart;

/// <summary><c>Identity:Smart:*</c>: where the FHIR API and the consent service are, for SMART App Launch.</summary>
public sealed class SmartOptions
{
    /// <summary>
    /// The FHIR API's base URL (the record vault's <c>/fhir/r4</c>); <c>fhirUser</c> is an absolute URL under it. Without
    /// it the claim is the relative reference (<c>Patient/{id}</c>), which SMART clients resolve against the server they launched on.
    /// </summary>
    public Uri? FhirBaseUrl { get; set; }

    /// <summary>
    /// The consent service's base URL: the patient picker lists only patients whose consent covers the clinician, and
    /// asks the consent service which those are. Without it a clinician's patient-context launch is refused.
    /// </summary>
    public Uri? ConsentUrl { get; set; }

    /// <summary>How long the picker waits for the consent service, retries included; past it the list is empty.</summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may take before it is retried (within <see cref="ConsentTimeout"/>).</summary>
    public TimeSpan ConsentAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The purpose of use the picker asks about (a standalone launch from a clinician's app is treatment).</summary>
    public string Purpose { get; set; } = "TREAT";
}
