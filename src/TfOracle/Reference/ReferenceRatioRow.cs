namespace CosineParity.Oracle.Reference;

/// <summary>The distribution of reference bound / recorded bound over the elements of one profile and compute dtype
/// (finite, positive bounds on both sides).</summary>
/// <param name="Profile">The profile.</param>
/// <param name="DType">The compute dtype.</param>
/// <param name="Count">The elements measured.</param>
/// <param name="Min">The smallest ratio.</param>
/// <param name="P01">The 1st percentile.</param>
/// <param name="Median">The median.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The largest ratio.</param>
/// <param name="BeyondOneMillionth">Elements whose ratio is more than 1e-6 away from 1.</param>
public sealed record ReferenceRatioRow(string Profile, string DType, int Count, double Min, double P01, double Median, double P99,
    double Max, int BeyondOneMillionth);
