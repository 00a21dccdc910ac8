using System;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text.Json;

namespace CosineParity.Tests.Live;

/// <summary>Whether two JSON texts hold the same value as Python's <c>json.loads</c> would read them: objects by
/// their keys whatever the order, arrays in order, an integer literal apart from a float one (Python's int and float),
/// numbers by value, strings by their characters.</summary>
public static class JsonEquivalence
{
    public static bool Same(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var keysA = a.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
                var keysB = b.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
                return keysA.SequenceEqual(keysB, StringComparer.Ordinal) && keysA.All(k => Same(a.GetProperty(k), b.GetProperty(k)));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(pair => Same(pair.First, pair.Second));
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                bool intA = IsInteger(a), intB = IsInteger(b);
                return intA == intB && (intA
                    ? BigInteger.Parse(a.GetRawText(), CultureInfo.InvariantCulture) == BigInteger.Parse(b.GetRawText(), CultureInfo.InvariantCulture)
                    : a.GetDouble().Equals(b.GetDouble()));
            default:
                return true;
        }
    }

    private static bool IsInteger(JsonElement number) => number.GetRawText().IndexOfAny(['.', 'e', 'E']) < 0;
}
