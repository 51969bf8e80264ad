using System.Globalization;
using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers.Pdf;

/// <summary>
/// Reads PDF objects from text in which each char is one byte (Latin-1), so binary data survives.
/// Lenient: malformed input ends an object early rather than failing the whole file.
/// </summary>
internal sealed class PdfLexer(string source, int position = 0)
{
    private const int MaxNesting = 64;

    public int Position { get; set; } = position;

    public string Source => source;

    public bool AtEnd
    {
        get
        {
            SkipWhitespaceAndComments();
            return Position >= source.Length;
        }
    }

    public static bool IsWhitespace(char c) => c is ' ' or '\n' or '\r' or '\t' or '\f' or '\0';

    public static bool IsDelimiter(char c) => c is '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%';

    public void SkipWhitespaceAndComments()
    {
        while (Position < source.Length)
        {
            var c = source[Position];
            if (IsWhitespace(c))
                Position++;
            else if (c == '%')
                while (Position < source.Length && source[Position] is not ('\n' or '\r'))
                    Position++;
            else
                break;
        }
    }

    /// <summary>Reads the next object or operator; <see cref="PdfEndOfInput"/> at the end.</summary>
    public object? ReadObject() => ReadObject(0);

    private object? ReadObject(int depth)
    {
        SkipWhitespaceAndComments();
        if (Position >= source.Length || depth > MaxNesting)
            return PdfEndOfInput.Instance;
        var c = source[Position];
        switch (c)
        {
            case '/':
                return ReadName();
            case '(':
                return ReadLiteralString();
            case '<' when Peek(1) == '<':
                return ReadDictionary(depth);
            case '<':
                return ReadHexString();
            case '[':
                return ReadArray(depth);
            case ']' or '>' or ')' or '{' or '}':
                // Stray closing delimiter: surface it as an operator so callers can stop or ignore it.
                Position += c == '>' && Peek(1) == '>' ? 2 : 1;
                return new PdfOperator(c.ToString());
        }
        if (c is >= '0' and <= '9' or '+' or '-' or '.')
            return ReadNumberOrReference();
        var keyword = ReadRegular();
        return keyword switch
        {
            "true" => true,
            "false" => false,
            "null" => null,
            "" => SkipOne(),
            _ => new PdfOperator(keyword),
        };
    }

    private object? SkipOne()
    {
        Position++;
        return new PdfOperator("");
    }

    private char Peek(int offset) => Position + offset < source.Length ? source[Position + offset] : '\0';

    private string ReadRegular()
    {
        var start = Position;
        while (Position < source.Length && !IsWhitespace(source[Position]) && !IsDelimiter(source[Position]))
            Position++;
        return source[start..Position];
    }

    private PdfName ReadName()
    {
        Position++; // '/'
        var raw = ReadRegular();
        if (!raw.Contains('#'))
            return new PdfName(raw);
        var builder = new StringBuilder();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '#' && i + 2 < raw.Length && int.TryParse(raw.AsSpan(i + 1, 2), NumberStyles.HexNumber, null, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(raw[i]);
            }
        }
        return new PdfName(builder.ToString());
    }

    private object ReadNumberOrReference()
    {
        var first = ReadRegular();
        if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return double.TryParse(first.Replace("--", "-"), NumberStyles.Float, CultureInfo.InvariantCulture, out number) ? number : 0d;
        if (first.Contains('.') || first[0] is '+' or '-')
            return number;
        // "12 0 R" is a reference; look ahead without consuming anything else.
        var saved = Position;
        SkipWhitespaceAndComments();
        var second = ReadRegular();
        if (second.Length > 0 && second.All(char.IsAsciiDigit))
        {
            SkipWhitespaceAndComments();
            if (Position < source.Length && source[Position] == 'R' &&
                (Position + 1 >= source.Length || IsWhitespace(source[Position + 1]) || IsDelimiter(source[Position + 1])))
            {
                Position++;
                return new PdfReference((int)Math.Min(number, int.MaxValue), int.Parse(second, CultureInfo.InvariantCulture));
            }
        }
        Position = saved;
        return number;
    }

    private PdfString ReadLiteralString()
    {
        Position++; // '('
        var bytes = new List<byte>();
        var nesting = 1;
        while (Position < source.Length)
        {
            var c = source[Position++];
            switch (c)
            {
                case '(':
                    nesting++;
                    bytes.Add((byte)c);
                    break;
                case ')':
                    if (--nesting == 0)
                        return new PdfString(bytes.ToArray());
                    bytes.Add((byte)c);
                    break;
                case '\\':
                    ReadEscape(bytes);
                    break;
                default:
                    bytes.Add((byte)c);
                    break;
            }
        }
        return new PdfString(bytes.ToArray());
    }

    private void ReadEscape(List<byte> bytes)
    {
        if (Position >= source.Length)
            return;
        var c = source[Position++];
        switch (c)
        {
            case 'n': bytes.Add((byte)'\n'); break;
            case 'r': bytes.Add((byte)'\r'); break;
            case 't': bytes.Add((byte)'\t'); break;
            case 'b': bytes.Add((byte)'\b'); break;
            case 'f': bytes.Add((byte)'\f'); break;
            case '\r':
                // A backslash at the end of a line continues the string on the next line.
                if (Position < source.Length && source[Position] == '\n')
                    Position++;
                break;
            case '\n':
                break;
            case >= '0' and <= '7':
                var value = c - '0';
                for (var i = 0; i < 2 && Position < source.Length && source[Position] is >= '0' and <= '7'; i++)
                    value = value * 8 + (source[Position++] - '0');
                bytes.Add((byte)value);
                break;
            default:
                bytes.Add((byte)c); // \( \) \\ and unknown escapes: the character itself
                break;
        }
    }

    private PdfString ReadHexString()
    {
        Position++; // '<'
        var bytes = new List<byte>();
        var high = -1;
        while (Position < source.Length)
        {
            var c = source[Position++];
            if (c == '>')
                break;
            var digit = HexValue(c);
            if (digit < 0)
                continue;
            if (high < 0)
            {
                high = digit;
            }
            else
            {
                bytes.Add((byte)(high * 16 + digit));
                high = -1;
            }
        }
        if (high >= 0)
            bytes.Add((byte)(high * 16)); // an odd final digit is followed by an implied 0
        return new PdfString(bytes.ToArray());
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private List<object?> ReadArray(int depth)
    {
        Position++; // '['
        var items = new List<object?>();
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Position >= source.Length)
                return items;
            if (source[Position] == ']')
            {
                Position++;
                return items;
            }
            var item = ReadObject(depth + 1);
            if (item is PdfEndOfInput)
                return items;
            items.Add(item);
        }
    }

    private PdfDictionary ReadDictionary(int depth)
    {
        Position += 2; // '<<'
        var entries = new Dictionary<string, object?>();
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Position >= source.Length)
                break;
            if (source[Position] == '>')
            {
                Position += Peek(1) == '>' ? 2 : 1;
                break;
            }
            var key = ReadObject(depth + 1);
            if (key is PdfEndOfInput)
                break;
            if (key is not PdfName name)
                continue; // skip junk until the next name
            var value = ReadObject(depth + 1);
            if (value is PdfEndOfInput)
                break;
            entries[name.Value] = value;
        }
        return new PdfDictionary(entries);
    }
}
