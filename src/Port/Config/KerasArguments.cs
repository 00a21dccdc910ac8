using System;
using System.Collections.Generic;
using System.Globalization;

namespace CosineParity;

/// <summary>Python keyword arguments of the Keras constructors (<c>FromKerasArguments</c>, <c>FromConfig</c>): the
/// conversions and failures the loss and the metric share.</summary>
internal static class KerasArguments
{
    /// <summary><c>axis</c>: an int or a list of ints.</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static Axes Axis(object? value, string parameterName) => value switch
    {
        int one => Axes.One(one),
        IEnumerable<int> list => Axes.List([.. list]),
        _ => throw new ArgumentException($"axis must be an int or a list of ints, not {Describe(value)}", parameterName),
    };

    /// <summary>What Python raises for a keyword the constructor does not take.</summary>
    public static KerasArgumentException Unexpected(string key) => new(
        $"CosineSimilarity.__init__() got an unexpected keyword argument '{key}'", TensorFlowErrorType.TypeError);

    /// <summary>A value as Python would print it in a message.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string text => $"'{text}'",
        IEnumerable<int> list => "[" + string.Join(", ", list) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? value.GetType().Name,
    };
}
