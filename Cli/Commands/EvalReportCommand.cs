using System.CommandLine;
using System.Text.Json;
using RagLab.Cli.Backends;
using RagLab.Contracts;
using RagLab.Core.Kernel;
using Spectre.Console;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab eval report &lt;run&gt;</c>: the recommendation (RAG, fine-tuning, both, or prompting) with its reasons.</summary>
public static class EvalReportCommand
{
    /// <summary>The report file's JSON: the contract's own names and enum shapes, indented, nulls kept so every field is visible.</summary>
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(CliContext context, LabConnector connector)
    {
        var run = new Argument<string>("run") { Description = "The run id, or 'latest' for the newest completed run" };
        var format = new Option<string>("--format", "-f") { Description = "md or json", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "json");
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to this file instead of the console" };

        var defaults = new Questionnaire();
        var changes = new Option<KnowledgeChangeFrequency>("--knowledge-changes") { Description = "How often the knowledge changes", DefaultValueFactory = _ => defaults.KnowledgeChanges };
        var citations = new Option<bool>("--citations-required") { Description = "Answers must cite their sources" };
        var latency = new Option<double?>("--latency-budget-ms") { Description = "Slowest acceptable answer at p95, in ms" };
        var queries = new Option<long>("--monthly-queries") { Description = "Expected queries per month", DefaultValueFactory = _ => defaults.MonthlyQueries };
        var budget = new Option<double>("--training-budget") { Description = "Dollars that may be spent on training (0 rules fine-tuning out)", DefaultValueFactory = _ => defaults.TrainingBudgetDollars };
        var examples = new Option<int>("--labelled-examples") { Description = "Question/answer pairs available for training", DefaultValueFactory = _ => defaults.LabelledExamples };
        var experience = new Option<MlExperience>("--ml-experience") { Description = "The team's ML experience", DefaultValueFactory = _ => defaults.TeamMlExperience };
        var offline = new Option<bool>("--offline") { Description = "Must run without internet access" };

        var command = new Command("report", "The decision report of a completed run (Markdown or JSON), shaped by your answers to the questionnaire")
        {
            run, format, output, changes, citations, latency, queries, budget, examples, experience, offline,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var questionnaire = new Questionnaire(parseResult.GetValue(changes), parseResult.GetValue(citations), parseResult.GetValue(latency),
                parseResult.GetValue(queries), parseResult.GetValue(budget), parseResult.GetValue(examples), parseResult.GetValue(experience), parseResult.GetValue(offline));
            if (questionnaire.MonthlyQueries < 0 || questionnaire.TrainingBudgetDollars < 0 || questionnaire.LabelledExamples < 0 || questionnaire.LatencyBudgetMs <= 0)
                throw new CliUsageException("Questionnaire numbers must not be negative (and a latency budget must be above 0).");
            var asJson = parseResult.GetValue(format) == "json";

            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var runId = parseResult.GetValue(run)!;
            if (string.Equals(runId, "latest", StringComparison.OrdinalIgnoreCase))
            {
                runId = (await lab.ListEvalRunsAsync(null, cancellationToken)).Where(r => r.Status == EvalRunStatus.Completed).MaxBy(r => r.CreatedAt)?.Id
                    ?? throw new NotFoundException("No completed eval run yet. Start one with `raglab eval run <set>`.");
            }
            var report = asJson
                ? JsonSerializer.Serialize(await lab.GetReportAsync(runId, questionnaire, cancellationToken), ReportJson)
                : await lab.GetReportMarkdownAsync(runId, questionnaire, cancellationToken);

            if (parseResult.GetValue(output) is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, report, cancellationToken);
                context.Out.MarkupLine($"Report written to {Markup.Escape(path)}.");
            }
            else
            {
                // Raw text: Spectre would wrap long Markdown table lines at the console width.
                var writer = context.Out.Profile.Out.Writer;
                await writer.WriteAsync(report.EndsWith('\n') ? report : report + Environment.NewLine);
                await writer.FlushAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }
}
