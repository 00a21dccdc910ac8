namespace CosineParity.Oracle.Fuzzing;

/// <summary>What a fuzz case's inputs are made of: each class aims at one of the places the formula can go wrong.</summary>
public enum ValueClass
{
    /// <summary>Uniform in [-1, 1).</summary>
    Normal,

    /// <summary>Magnitudes spread over many binades.</summary>
    Wide,

    /// <summary>Rows whose norms sit near the clamp thresholds (1e-6, 1e-7) and below.</summary>
    Tiny,

    /// <summary>Rows whose squares overflow (float16 and up).</summary>
    Huge,

    /// <summary>Some rows entirely zero.</summary>
    ZeroRows,

    /// <summary>+0 and -0 among normal values.</summary>
    SignedZeros,

    /// <summary>Subnormals of the dtype among normal values.</summary>
    Subnormals,

    /// <summary>NaN and infinities among normal values.</summary>
    NonFinite,

    /// <summary><c>y_true</c> a scaled, slightly disturbed <c>y_pred</c>.</summary>
    NearParallel,

    /// <summary><c>y_true</c> nearly orthogonal to <c>y_pred</c> in every row.</summary>
    NearOrthogonal,
}
