namespace CosineParity.Oracle.Cases;

/// <summary>Which of its three answers a <see cref="CaseExpected"/> holds.</summary>
public enum ExpectedKind
{
    /// <summary>A number: <see cref="CaseExpected.Value"/>.</summary>
    Value,

    /// <summary>TF raised: <see cref="CaseExpected.Error"/>.</summary>
    Error,

    /// <summary>A <c>get_config()</c> object: <see cref="CaseExpected.Config"/>.</summary>
    Config,
}
