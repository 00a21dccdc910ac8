using System.Collections.Generic;

namespace CosineParity.Oracle.Cases;

/// <summary>The profiles of <c>cosine-parity/1</c>: which Keras generation a case was recorded on.</summary>
public static class Profiles
{
    /// <summary><c>tf_keras</c> 2.21 on TensorFlow 2.21 (the <c>tf.keras</c> of TF &lt;= 2.15).</summary>
    public const string Keras2 = "keras2";

    /// <summary>Keras 3.15.1 on TensorFlow 2.21 (the <c>tf.keras</c> of TF &gt;= 2.16).</summary>
    public const string Keras3 = "keras3";

    /// <summary>Both profiles.</summary>
    public static IReadOnlyList<string> All { get; } = [Keras2, Keras3];

    /// <summary>Whether <paramref name="profile"/> is one of <see cref="All"/> (exact spelling).</summary>
    /// <param name="profile">The profile name.</param>
    public static bool IsKnown(string? profile) => profile is Keras2 or Keras3;
}
