using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Core.Jobs;

/// <summary>A job's input: one record type per job kind, which names the kind.</summary>
public interface IJobPayload
{
    /// <summary>The <see cref="IJobHandler.Kind"/> that runs jobs with this payload.</summary>
    static abstract string Kind { get; }
}

/// <summary>The one place job payloads are written and read (JSON, web conventions: camelCase, case-insensitive on read).</summary>
public static class JobPayloads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize<TPayload>(TPayload payload) where TPayload : IJobPayload => JsonSerializer.Serialize(payload, Json);

    /// <summary>Creates a job of <typeparamref name="TPayload"/>'s kind with <paramref name="payload"/> as its input.</summary>
    public static Task<JobRecord> CreateAsync<TPayload>(this IJobStore jobs, TPayload payload, CancellationToken cancellationToken)
        where TPayload : IJobPayload =>
        jobs.CreateAsync(TPayload.Kind, Serialize(payload), cancellationToken);

    /// <exception cref="ValidationException">The job is of another kind, or its payload is empty or not a <typeparamref name="TPayload"/>.</exception>
    public static TPayload Read<TPayload>(JobRecord job) where TPayload : IJobPayload
    {
        if (job.Kind != TPayload.Kind)
            throw new ValidationException($"Job {job.Id} is a '{job.Kind}' job, not '{TPayload.Kind}'.");
        try
        {
            return JsonSerializer.Deserialize<TPayload>(job.Payload, Json)
                ?? throw new ValidationException($"The '{job.Kind}' job {job.Id} has an empty payload.");
        }
        catch (JsonException ex)
        {
            throw new ValidationException($"The '{job.Kind}' job {job.Id} has a payload that is not a {typeof(TPayload).Name}: {ex.Message}");
        }
    }
}
