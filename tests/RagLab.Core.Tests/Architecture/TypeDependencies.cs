using System.Reflection;
using System.Reflection.Emit;

namespace RagLab.Core.Tests.Architecture;

/// <summary>
/// Every type a type uses: in its signatures, attributes and method bodies (read from the IL, so a dependency hidden in a
/// lambda, an async state machine or a local variable counts too).
/// </summary>
internal static class TypeDependencies
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IEnumerable<Type> Of(Type type)
    {
        var used = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericParameter || !used.Add(t)) return;
            if (t.IsGenericType) foreach (var argument in t.GetGenericArguments()) Add(argument);
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var a in type.GetCustomAttributesData()) Add(a.AttributeType);
        foreach (var f in type.GetFields(Declared)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Declared)) Add(p.PropertyType);
        foreach (var e in type.GetEvents(Declared)) Add(e.EventHandlerType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) Add(info.ReturnType);
            foreach (var parameter in method.GetParameters()) Add(parameter.ParameterType);
            foreach (var a in method.GetCustomAttributesData()) Add(a.AttributeType);
            var body = method.GetMethodBody();
            if (body is null) continue;
            foreach (var local in body.LocalVariables) Add(local.LocalType);
            foreach (var t in TypesInIl(method, body.GetILAsByteArray() ?? [])) Add(t);
        }
        return used;
    }

    private static IEnumerable<Type?> TypesInIl(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var position = 0; position < il.Length;)
        {
            short value = il[position++];
            if (value == 0xFE) value = (short)(0xFE00 | il[position++]);
            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    foreach (var t in Resolve(method.Module, token, typeArguments, methodArguments)) yield return t;
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: position += 1; break;
                case OperandType.InlineVar: position += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: position += 8; break;
                case OperandType.InlineSwitch: position += 4 + 4 * BitConverter.ToInt32(il, position); break;
                default: position += 4; break;
            }
        }
    }

    /// <summary>The type a token names, or declares the member it names, with a generic method's type arguments.</summary>
    private static IEnumerable<Type?> Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        MemberInfo? member;
        try { member = module.ResolveMember(token, typeArguments, methodArguments); }
        catch (ArgumentException) { return []; }
        var types = new List<Type?> { member as Type ?? member?.DeclaringType };
        if (member is MethodInfo { IsGenericMethod: true } called) types.AddRange(called.GetGenericArguments());
        return types;
    }
}
