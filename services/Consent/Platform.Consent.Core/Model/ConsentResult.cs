using System.Diagnostics.CodeAnalysis;

namespace Platform.Consent.Core;

/// <summary>Either the value an operation produced or the <see cref="ConsentError"/> that refused it; never both.</summary>
public sealed class ConsentResult<T>
    where T : class
{
    private ConsentResult(T? value, ConsentError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public ConsentError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static ConsentResult<T> Success(T value) => new(value, null);

    public static ConsentResult<T> Failure(ConsentError error) => new(null, error);

    public static ConsentResult<T> Failure(string code, string message) => new(null, new ConsentError(code, message));

    public override string ToString() => IsSuccess ? $"ok: {Value}" : $"error {Error.Code}: {Error.Message}";
}
