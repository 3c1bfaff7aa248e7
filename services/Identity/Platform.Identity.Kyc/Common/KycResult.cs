using System.Diagnostics.CodeAnalysis;

namespace Platform.Identity.Kyc;

/// <summary>Either the value an operation produced or the <see cref="KycError"/> that refused it; never both.</summary>
public sealed class KycResult<T>
    where T : class
{
    private KycResult(T? value, KycError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public KycError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static KycResult<T> Success(T value) => new(value, null);

    public static KycResult<T> Failure(string code, string message) => new(null, new KycError(code, message));

    public override string ToString() => IsSuccess ? $"ok: {Value}" : $"error {Error.Code}: {Error.Message}";
}
