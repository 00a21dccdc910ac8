using System.Collections.Generic;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// A linear form <c>sum_j c_j * loss_j</c> over the per-sample losses. Every reduction is linear in the losses, so
/// running it on unit forms gives, as coefficients, the derivative of the reduced value by each loss, each
/// coefficient carrying the bound of how TF's backward pass rounds it (the recorder's <c>Linear</c>). Until a sum
/// merges them a form has one term, held without allocating.
/// </summary>
internal readonly struct LinearForm
{
    private readonly int _loss;
    private readonly Bounded _coefficient;
    private readonly (int Loss, Bounded Coefficient)[]? _terms;

    private LinearForm(int loss, Bounded coefficient)
    {
        _loss = loss;
        _coefficient = coefficient;
        _terms = null;
    }

    private LinearForm((int Loss, Bounded Coefficient)[] terms)
    {
        _loss = -1;
        _coefficient = default;
        _terms = terms;
    }

    /// <summary>No loss at all: what a value that is not a form (a <c>divide_no_nan</c> by an exact 0) gives.</summary>
    public static LinearForm Empty { get; } = new([]);

    /// <summary>The number of terms.</summary>
    public int Count => _terms?.Length ?? 1;

    /// <summary>The <paramref name="index"/>-th term.</summary>
    public (int Loss, Bounded Coefficient) this[int index] => _terms is null ? (_loss, _coefficient) : _terms[index];

    /// <summary><c>1 * loss_j</c>.</summary>
    public static LinearForm Unit(int loss) => new(loss, Bounded.Exact(1));

    /// <summary>Each coefficient times <paramref name="weight"/>.</summary>
    public LinearForm Times(Bounded weight)
    {
        if (_terms is null)
        {
            return new(_loss, _coefficient * weight);
        }

        var terms = new (int, Bounded)[_terms.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = (_terms[i].Loss, _terms[i].Coefficient * weight);
        }

        return new(terms);
    }

    /// <summary>Each coefficient divided by <paramref name="divisor"/>.</summary>
    public LinearForm DividedBy(Bounded divisor)
    {
        if (_terms is null)
        {
            return new(_loss, _coefficient / divisor);
        }

        var terms = new (int, Bounded)[_terms.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = (_terms[i].Loss, _terms[i].Coefficient / divisor);
        }

        return new(terms);
    }

    /// <summary>The sum of forms: coefficients of the same loss added one after the other in order (the rules'
    /// <c>a + b</c>), as the recorder merges them.</summary>
    public static LinearForm Merge(IReadOnlyList<LinearForm> forms, int losses)
    {
        var sums = new Bounded[losses];
        var present = new bool[losses];
        var order = new List<int>();
        foreach (LinearForm form in forms)
        {
            for (int k = 0; k < form.Count; k++)
            {
                (int j, Bounded c) = form[k];
                if (present[j])
                {
                    sums[j] += c;
                }
                else
                {
                    present[j] = true;
                    sums[j] = c;
                    order.Add(j);
                }
            }
        }

        var terms = new (int, Bounded)[order.Count];
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = (order[i], sums[order[i]]);
        }

        return new(terms);
    }
}
