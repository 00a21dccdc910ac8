using System.Collections.Generic;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fixtures;

/// <summary>One profile folder of recorded fixtures, every tensor resolved.</summary>
/// <param name="Directory">The full path of the profile folder.</param>
/// <param name="Profile">The profile (<see cref="Profiles"/>), equal to the folder's name.</param>
/// <param name="Provenance">Where the answers came from (library versions, seed, CPU, ...), as parsed, key order
/// kept. Treat it as read-only: it is shared.</param>
/// <param name="Cases">The cases, in recording order.</param>
public sealed record FixtureSet(string Directory, string Profile, JsonObject Provenance, IReadOnlyList<ParityCase> Cases);
