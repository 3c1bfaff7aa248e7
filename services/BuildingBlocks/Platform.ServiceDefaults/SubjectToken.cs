namespace Platform.ServiceDefaults;

/// <summary>
/// A service acting for a person forwards that person's access token, as it received it, in this header, so that the
/// callee learns who the person is from a token it validates itself rather than from a field the service fills in.
/// </summary>
public static class SubjectToken
{
    public const string Header = "X-Subject-Token";
}
