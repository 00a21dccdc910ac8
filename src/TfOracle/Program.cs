using System;

namespace CosineParity.Oracle;

/// <summary>The <c>tforacle</c> command line.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: tforacle check [--fixtures DIR]... [--json FILE] [--markdown FILE]");
        return args.Length == 0 ? 2 : 2;
    }
}
