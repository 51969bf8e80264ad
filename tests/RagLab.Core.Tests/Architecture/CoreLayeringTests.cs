using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Architecture;

/// <summary>Core is the domain: it knows no infrastructure, and its folders depend on each other without cycles.</summary>
public sealed class CoreLayeringTests
{
    private static readonly Type[] CoreTypes = typeof(Chunk).Assembly.GetTypes();

    /// <summary>Namespaces of adapters and hosting that the domain must not touch.</summary>
    private static readonly string[] Forbidden =
    [
        "Microsoft.AspNetCore", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Diagnostics.HealthChecks",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.Http", "System.Net.Http", "Microsoft.Data.Sqlite",
        "StackExchange.Redis", "OllamaSharp", "OpenAI", "Npgsql", "RagLab.Infrastructure", "RagLab.Contracts",
    ];

    [Fact]
    public void Core_references_no_adapter_hosting_or_http_assembly()
    {
        var references = typeof(Chunk).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var offending = references.Where(name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal))).ToList();
        Assert.True(offending.Count == 0, $"Core references {string.Join(", ", offending)}.");
    }

    [Fact]
    public void Core_uses_no_adapter_hosting_or_http_type()
    {
        var offending = CoreTypes
            .SelectMany(type => TypeDependencies.Of(type).Select(used => (type, used)))
            .Where(pair => pair.used.Namespace is { } ns && Forbidden.Any(f => ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal)))
            .Select(pair => $"{pair.type.FullName} uses {pair.used.FullName}")
            .Distinct()
            .ToList();
        Assert.True(offending.Count == 0, string.Join(Environment.NewLine, offending));
    }

    [Fact]
    public void Core_folders_have_no_import_cycle()
    {
        var edges = new Dictionary<string, HashSet<string>>();
        var why = new Dictionary<(string, string), string>();
        foreach (var type in CoreTypes)
        {
            if (Folder(type) is not { } from) continue;
            edges.TryAdd(from, []);
            foreach (var used in TypeDependencies.Of(type))
            {
                if (Folder(used) is not { } to || to == from) continue;
                if (edges[from].Add(to)) why[(from, to)] = $"{type.FullName} uses {used.FullName}";
            }
        }

        var cycle = FindCycle(edges);
        Assert.True(cycle is null, cycle is null ? "" :
            "Core's folders import each other in a cycle: " + string.Join(" -> ", cycle) + Environment.NewLine +
            string.Join(Environment.NewLine, cycle.Zip(cycle.Skip(1)).Select(e => why[e])));
    }

    [Fact]
    public void The_cycle_check_finds_a_cycle()
    {
        var edges = new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(edges));
        Assert.Null(FindCycle(new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = [], ["C"] = ["A", "B"] }));
    }

    /// <summary>The first-level folder of a Core type (<c>RagLab.Core.Retrieval.Analysis.X</c> → <c>Retrieval</c>); null outside Core.</summary>
    private static string? Folder(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || type.Assembly != typeof(Chunk).Assembly || !ns.StartsWith("RagLab.Core.", StringComparison.Ordinal)) return null;
        return ns["RagLab.Core.".Length..].Split('.')[0];
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> edges)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in edges.Keys.Order())
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }
}
