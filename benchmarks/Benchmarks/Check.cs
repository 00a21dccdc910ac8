using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace CosineParity.Benchmarks;

/// <summary>Before anything is timed: every implementation of a case must compute the C loop's loss on the setup
/// data within <see cref="Tolerance"/> (relative), and the port's gradients must match the exact gradient.</summary>
internal static class Check
{
    public const double Tolerance = 1e-4;

    /// <summary>Checks one workload; throws <see cref="InvalidOperationException"/> naming every disagreement.</summary>
    public static CheckResult Run(Workload workload)
    {
        var values = new (string Name, double Value)[]
        {
            ("C loop", workload.CLoop()),
            ("port forward", workload.PortForward()),
            ("port forward, one thread", workload.PortForwardOneThread()),
            ("port forward+gradients", workload.PortForwardAndGradients()),
            ("TensorPrimitives rows", workload.TensorPrimitivesRows()),
            ("naive scalar", workload.NaiveScalar()),
            ("ORT (TF graph)", workload.OrtTfGraph()),
        }.Concat(workload.HasCGradients ? [("C loop + gradients", workload.CLoopWithGradients())] : []).ToArray();
        double reference = values[0].Value;
        var problems = new List<string>();
        double worst = 0;
        foreach ((string name, double value) in values)
        {
            double relative = Math.Abs(value - reference) / Math.Abs(reference);
            worst = Math.Max(worst, double.IsNaN(relative) ? double.PositiveInfinity : relative);
            if (!(relative <= Tolerance))
            {
                problems.Add(Invariant($"{name} = {value:R}, the C loop {reference:R} (relative difference {relative:E2} > {Tolerance:E0})"));
            }
        }

        const double gradientTolerance = Tolerance;
        (double gradientError, double? cGradientError) = workload.GradientErrors();
        if (!(gradientError <= gradientTolerance))
        {
            problems.Add(Invariant($"port gradients off the exact gradient by {gradientError:E2} of its largest element (> {gradientTolerance:E0})"));
        }

        if (cGradientError is double cError && !(cError <= gradientTolerance))
        {
            problems.Add(Invariant($"C loop + gradients off the exact gradient by {cError:E2} of its largest element (> {gradientTolerance:E0})"));
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{workload.Spec}: the implementations disagree on the setup data:\n  " + string.Join("\n  ", problems));
        }

        (double forward, double gradients) = workload.PortAllocatedBytesPerCall(workload.Spec.Elements > 1_000_000 ? 3 : 50);
        return new CheckResult(workload.Spec, values.Select(v => v.Value).ToArray(), worst, gradientError, forward, gradients);
    }

    /// <summary>Checks every case and prints one line each; false if any failed (each failure printed).</summary>
    public static bool RunAll(IEnumerable<string> cases)
    {
        Console.WriteLine(Invariant($"// Check: every implementation within {Tolerance:E0} (relative) of the C loop on the setup data; port gradients against the exact gradient (beyond rounding to their dtype)"));
        Console.WriteLine("//   case                  loss (C loop)    worst rel.diff   gradient err   port bytes/call (forward, +gradients)");
        bool ok = true;
        foreach (string name in cases)
        {
            try
            {
                using Workload workload = Workload.Create(name);
                CheckResult r = Run(workload);
                Console.WriteLine(Invariant($"//   {name,-20}  {r.Values[0],-15:G9}  {r.WorstRelative,-15:E2}  {r.GradientError,-13:E2}  {r.ForwardBytes:F0}, {r.GradientBytes:F0}"));
            }
            catch (InvalidOperationException e)
            {
                ok = false;
                Console.Error.WriteLine($"CHECK FAILED: {e.Message}");
            }
        }

        return ok;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal sealed record CheckResult(CaseSpec Spec, double[] Values, double WorstRelative, double GradientError, double ForwardBytes, double GradientBytes);
