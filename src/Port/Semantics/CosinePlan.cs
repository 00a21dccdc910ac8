using System;

namespace CosineParity;

/// <summary>
/// What the cosine of one call reduces, decided from shapes alone: the inputs after the profile's rank rules, the
/// axes resolved against each, the broadcast product and the per-sample loss shape, and the row layouts the kernel
/// walks. Inputs of one shape (the usual case) pair their rows directly; inputs that only broadcast together
/// (Keras 2's numpy inputs, rank-1 <c>y_true</c>, ...) are normalised each over its own rows and then multiplied over
/// the broadcast shape, as TF does.
/// </summary>
internal sealed class CosinePlan
{
    private CosinePlan(int[] lossDims, RowLayout truth, RowLayout prediction, ProductLayouts? product)
    {
        LossDims = lossDims;
        True = truth;
        Pred = prediction;
        Product = product;
    }

    public int[] LossDims { get; }

    /// <summary>The rows of <c>y_true</c> over its own dimensions and axes.</summary>
    public RowLayout True { get; }

    /// <summary>The rows of <c>y_pred</c> over its own dimensions and axes.</summary>
    public RowLayout Pred { get; }

    /// <summary>Null when both inputs have one shape (their rows pair up); else how the broadcast product is walked.</summary>
    public ProductLayouts? Product { get; }

    /// <summary>The product's walk in every case (for the backward pass): <see cref="Product"/>, or for paired rows
    /// the rows themselves, each element scaled by its own row's inverse norm.</summary>
    public ProductLayouts Walk => Product ?? (_pairedWalk ??= new ProductLayouts(
        True, RowLayout.RowIndices(True.RowCount, True.RowLength), Pred, RowLayout.RowIndices(Pred.RowCount, Pred.RowLength)));

    private ProductLayouts? _pairedWalk;

    /// <exception cref="KerasAxisException">An axis does not fit an input.</exception>
    /// <exception cref="KerasShapeException">The inputs do not broadcast.</exception>
    public static CosinePlan Create(KerasProfile profile, Operand yTrue, Operand yPred, Axes axes, bool forLoss, InputKind kind)
    {
        profile.AlignInputs(ref yTrue, ref yPred, forLoss, kind);
        if (profile.NormalizesScalarsAsVectors)
        {
            if (yTrue.Rank == 0)
            {
                yTrue.ExpandScalar();
            }

            if (yPred.Rank == 0)
            {
                yPred.ExpandScalar();
            }
        }

        int[] trueAxes = axes.Resolve(yTrue.Rank);
        int[] predAxes = axes.Resolve(yPred.Rank);
        int[] product = Shape.Broadcast(yTrue.Dims, yPred.Dims);
        int[] productAxes = axes.Resolve(product.Length);
        int[] lossDims = Shape.Without(product, productAxes);
        var truth = RowLayout.Create(yTrue.Dims, yTrue.Strides, trueAxes);
        var prediction = RowLayout.Create(yPred.Dims, yPred.Strides, predAxes);
        if (Shape.SameDims(yTrue.Dims, yPred.Dims))
        {
            return new CosinePlan(lossDims, truth, prediction, null);
        }

        return new CosinePlan(lossDims, truth, prediction, new ProductLayouts(
            RowLayout.Create(product, Shape.BroadcastStrides(yTrue.Dims, yTrue.Strides, product), productAxes),
            RowLayout.Create(product, Shape.BroadcastStrides(yTrue.Dims, RowIndexStrides(yTrue.Dims, trueAxes), product), productAxes),
            RowLayout.Create(product, Shape.BroadcastStrides(yPred.Dims, yPred.Strides, product), productAxes),
            RowLayout.Create(product, Shape.BroadcastStrides(yPred.Dims, RowIndexStrides(yPred.Dims, predAxes), product), productAxes)));
    }

    /// <summary>Strides that map an element's index to the index of its row (0 along the reduced axes).</summary>
    private static int[] RowIndexStrides(int[] dims, int[] axes)
    {
        var strides = new int[dims.Length];
        int stride = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            if (Array.IndexOf(axes, i) < 0)
            {
                strides[i] = stride;
                stride *= Math.Max(dims[i], 1);
            }
        }

        return strides;
    }
}

/// <summary>The broadcast product's walk: per loss element and reduced index, where the <c>y_true</c>/<c>y_pred</c>
/// element sits and which of that input's rows (whose inverse norm scales it) it belongs to.</summary>
internal sealed record ProductLayouts(RowLayout TrueElements, RowLayout TrueRows, RowLayout PredElements, RowLayout PredRows);
