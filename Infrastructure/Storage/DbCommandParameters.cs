using System.Data;
using System.Data.Common;

namespace RagLab.Infrastructure.Storage;

/// <summary>Provider-neutral parameter binding: <c>@name</c> works with Microsoft.Data.Sqlite and with Npgsql.</summary>
internal static class DbCommandParameters
{
    /// <summary>Adds a typed parameter to set again for each row of a prepared command.</summary>
    public static DbParameter Add(this DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a parameter whose type the provider infers from the value; null becomes SQL NULL.</summary>
    public static DbParameter AddValue(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/>, if any) with its parameters bound.</summary>
    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.AddValue(name, value);
        return command;
    }
}
