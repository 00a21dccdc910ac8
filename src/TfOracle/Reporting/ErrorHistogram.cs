using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace CosineParity.Oracle.Reporting;

/// <summary>Counts of errors in units of the bound, in bins that widen towards 0 (most errors are far inside the
/// bound), drawn as an inline SVG bar chart.</summary>
internal static class ErrorHistogram
{
    private static readonly double[] Edges = [0, 1e-3, 1e-2, 0.1, 0.25, 0.5, 1];

    /// <summary>The bins' labels: exactly 0, then <c>(a, b]</c>, then beyond the bound.</summary>
    public static readonly string[] Labels = ["0", "≤1e-3", "≤1e-2", "≤0.1", "≤0.25", "≤0.5", "≤1", ">1"];

    public static int[] Count(IEnumerable<double> errors)
    {
        var counts = new int[Labels.Length];
        foreach (double e in errors.Where(e => !double.IsNaN(e)))
        {
            int bin = e == 0 ? 0 : Array.FindIndex(Edges, 1, edge => e <= edge);
            counts[bin < 0 ? Labels.Length - 1 : bin]++;
        }

        return counts;
    }

    /// <summary>Bars of each series side by side per bin, heights on a log scale (a bin of 1 still shows).</summary>
    public static string Svg(string title, IReadOnlyList<(string Name, string Color, int[] Counts)> series)
    {
        const int width = 520, height = 180, left = 40, bottom = 30, top = 24;
        int max = Math.Max(1, series.SelectMany(s => s.Counts).DefaultIfEmpty(0).Max());
        double binWidth = (width - left - 10) / (double)Labels.Length;
        double barWidth = binWidth * 0.8 / Math.Max(1, series.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"hist\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"14\" font-size=\"13\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 10}\" y2=\"{height - bottom}\" stroke=\"#444\"/>");
        for (int b = 0; b < Labels.Length; b++)
        {
            double x0 = left + (b * binWidth) + (binWidth * 0.1);
            for (int s = 0; s < series.Count; s++)
            {
                int n = series[s].Counts[b];
                double h = n == 0 ? 0 : (height - bottom - top) * Math.Log(1 + n) / Math.Log(1 + max);
                double x = x0 + (s * barWidth), y = height - bottom - h;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{barWidth - 1:0.#}\" height=\"{h:0.#}\" fill=\"{series[s].Color}\"><title>{WebUtility.HtmlEncode(series[s].Name)} {Labels[b]}: {n}</title></rect>");
                if (n > 0)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (barWidth / 2):0.#}\" y=\"{y - 2:0.#}\" font-size=\"9\" text-anchor=\"middle\">{n}</text>");
                }
            }

            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{x0 + (binWidth * 0.4):0.#}\" y=\"{height - bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{WebUtility.HtmlEncode(Labels[b])}</text>");
        }

        for (int s = 0; s < series.Count; s++)
        {
            int lx = width - 170 + (s * 80);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{lx}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{series[s].Color}\"/><text x=\"{lx + 14}\" y=\"13\" font-size=\"11\">{WebUtility.HtmlEncode(series[s].Name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }
}
