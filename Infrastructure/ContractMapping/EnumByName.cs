namespace RagLab.Infrastructure.ContractMapping;

/// <summary>
/// The contract's enums repeat Core's member names one for one (the wire carries the names), so mapping by name is exact;
/// a member one side lacks fails loudly instead of turning into a wrong value.
/// </summary>
internal static class EnumByName
{
    public static TTo Map<TFrom, TTo>(TFrom value) where TFrom : struct, Enum where TTo : struct, Enum =>
        Enum.TryParse<TTo>(value.ToString(), out var mapped) && Enum.IsDefined(mapped)
            ? mapped
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"A {typeof(TFrom).Name} {typeof(TTo).Assembly.GetName().Name} does not know.");
}
