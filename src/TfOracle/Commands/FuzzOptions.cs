namespace CosineParity.Oracle.Commands;

/// <summary>The options of a fuzz run.</summary>
/// <param name="Cases">How many cases.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Profile">One profile, or null for both.</param>
/// <param name="Oracle"><c>graphs</c> (the exact reference, graphs beside) or <c>tf</c> (the live oracle).</param>
/// <param name="OracleCommand">The live oracle's command line.</param>
/// <param name="GraphsDirectory">The ONNX graphs' folder, or null to judge the port alone.</param>
internal sealed record FuzzOptions(int Cases, long Seed, string? Profile, string Oracle, string OracleCommand, string? GraphsDirectory);
