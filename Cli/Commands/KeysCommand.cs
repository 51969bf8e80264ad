using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RagLab.Infrastructure.Access;
using Spectre.Console;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab keys create</c>: a new API key for an Api in shared mode. Works offline: the Api holds only the hash.</summary>
public static class KeysCommand
{
    public static readonly string[] Roles = ["reader", "writer", "admin"];

    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "API keys for an Api in shared mode (RagLab:Access:Mode=shared)");

        var name = new Option<string>("--name")
        {
            Description = "What the key is for (letters, digits, '-'), e.g. ci; it appears in the Api's refusals and logs",
            Required = true,
        };
        name.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !ApiKeySecret.IsValidName(result.Tokens[0].Value))
                result.AddError($"--name must be 1 to 40 letters, digits or '-'; got '{result.Tokens[0].Value}'.");
        });
        var role = new Option<string>("--role")
        {
            Description = "reader (read, search, ask), writer (also upload, delete, evaluate, fine-tune) or admin (also collection prompts and server paths)",
            Required = true,
        };
        role.AcceptOnlyFromAmong(Roles);
        var groups = new Option<string[]>("--group")
        {
            Description = "A document group the key may read (repeat for several; none: documents without groups only; admins read everything)",
            AllowMultipleArgumentsPerToken = false,
        };

        var create = new Command("create", "Create a key: prints its secret once, and the configuration entry (with only its hash) for the Api")
        {
            name, role, groups,
        };
        create.SetAction(parseResult =>
        {
            var keyName = parseResult.GetValue(name)!;
            var keyRole = parseResult.GetValue(role)!;
            var keyGroups = parseResult.GetValue(groups) ?? [];
            var (secret, hash) = ApiKeySecret.Create(keyName);

            var groupArray = new JsonArray();
            foreach (var group in keyGroups) groupArray.Add(group);
            var entry = new JsonObject { ["Name"] = keyName, ["Role"] = keyRole, ["Groups"] = groupArray, ["Hash"] = hash };
            // The secret and the entry bypass the console's line wrapping: a wrapped hash would not paste back whole.
            var plain = context.Out.Profile.Out.Writer;
            context.Out.MarkupLine($"API key [bold]{Markup.Escape(keyName)}[/] ({keyRole}{(keyGroups.Length > 0 ? "; groups " + Markup.Escape(string.Join(", ", keyGroups)) : "")}).");
            context.Out.MarkupLine("The secret, shown only now: give it to the client (the CLI reads --api-key or RAGLAB_API_KEY; the Web RagLab:ApiKey):");
            plain.WriteLine(secret);
            context.Out.MarkupLine("Add this entry to [bold]RagLab:Access:Keys[/] in the Api's configuration (it holds only a hash of the secret):");
            plain.WriteLine(entry.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        command.Subcommands.Add(create);
        return command;
    }
}
