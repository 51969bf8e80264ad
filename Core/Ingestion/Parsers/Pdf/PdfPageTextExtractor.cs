using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers.Pdf;

/// <summary>
/// Interprets a page's content streams for text: BT/ET, Tf, Td/TD/T*/Tm/TL, Tj, TJ, ' and ", and form XObjects.
/// Vertical moves become line breaks (a gap of more than about 1.75 lines ends a paragraph); horizontal moves and
/// large negative TJ adjustments become spaces. Glyph widths are not used, so spacing is a best effort.
/// </summary>
internal sealed class PdfPageTextExtractor(PdfFile file)
{
    /// <summary>A TJ adjustment (thousandths of an em) at or beyond which a gap is read as a word space.</summary>
    private const double WordGapAdjustment = -180;
    private const double ParagraphGapInLines = 1.75;
    private const int MaxFormDepth = 8;

    private readonly List<string> _paragraphs = [];
    private readonly List<string> _lines = [];
    private readonly StringBuilder _line = new();
    private PdfFont _font = PdfFont.Fallback;
    private double _fontSize = 12;
    private double _leading;
    private Matrix _lineMatrix = Matrix.Identity;
    private Matrix _textMatrix = Matrix.Identity;
    private double? _lastY;
    private bool _movedHorizontally;
    private bool _forceLineBreak;

    /// <summary>The page's paragraphs, each with its lines joined by "\n".</summary>
    public IReadOnlyList<string> Extract(PdfDictionary page, PdfDictionary? resources)
    {
        var contents = file.Resolve(page["Contents"]) switch
        {
            PdfStream stream => [stream],
            List<object?> parts => parts.Select(file.Resolve).OfType<PdfStream>().ToList(),
            _ => [],
        };
        // Content may be split across streams at any token boundary, so interpret them as one.
        var combined = new StringBuilder();
        foreach (var stream in contents)
            if (file.Decode(stream) is { } data)
                combined.Append(Encoding.Latin1.GetString(data)).Append('\n');
        Run(combined.ToString(), resources, 0);
        EndParagraph();
        return _paragraphs;
    }

    private void Run(string content, PdfDictionary? resources, int depth)
    {
        var fonts = new Dictionary<string, PdfFont>();
        var fontResources = file.ResolveDictionary(resources?["Font"]);
        var lexer = new PdfLexer(content);
        var operands = new List<object?>();
        while (true)
        {
            var token = lexer.ReadObject();
            if (token is PdfEndOfInput)
                break;
            if (token is not PdfOperator op)
            {
                operands.Add(token);
                continue;
            }
            switch (op.Name)
            {
                case "BT":
                    _lineMatrix = _textMatrix = Matrix.Identity;
                    break;
                case "Tf" when operands.Count >= 2 && operands[^2] is PdfName fontName:
                    _font = FontFor(fontName.Value, fonts, fontResources);
                    _fontSize = operands[^1] as double? ?? _fontSize;
                    break;
                case "TL" when operands.Count >= 1 && operands[^1] is double leading:
                    _leading = leading;
                    break;
                case "Td" when Numbers(operands, 2) is { } move:
                    MoveLine(move[0], move[1]);
                    break;
                case "TD" when Numbers(operands, 2) is { } move:
                    _leading = -move[1];
                    MoveLine(move[0], move[1]);
                    break;
                case "Tm" when Numbers(operands, 6) is { } m:
                    var previous = _lineMatrix;
                    _lineMatrix = _textMatrix = new Matrix(m[0], m[1], m[2], m[3], m[4], m[5]);
                    if (Math.Abs(previous.F - m[5]) < 0.01 && Math.Abs(previous.E - m[4]) > 0.01)
                        _movedHorizontally = true;
                    break;
                case "T*":
                    NextLine();
                    break;
                case "'" when operands.Count >= 1 && operands[^1] is PdfString text:
                    NextLine();
                    Show(text.Bytes);
                    break;
                case "\"" when operands.Count >= 3 && operands[^1] is PdfString text:
                    NextLine();
                    Show(text.Bytes);
                    break;
                case "Tj" when operands.Count >= 1 && operands[^1] is PdfString text:
                    Show(text.Bytes);
                    break;
                case "TJ" when operands.Count >= 1 && operands[^1] is List<object?> parts:
                    foreach (var part in parts)
                    {
                        if (part is PdfString piece)
                            Show(piece.Bytes);
                        else if (part is double adjustment && adjustment <= WordGapAdjustment && _line.Length > 0 && _line[^1] != ' ')
                            _line.Append(' ');
                    }
                    break;
                case "Do" when operands.Count >= 1 && operands[^1] is PdfName name && depth < MaxFormDepth:
                    RunForm(name.Value, resources, depth);
                    break;
                case "BI":
                    SkipInlineImage(lexer);
                    break;
            }
            operands.Clear();
        }
    }

    private void RunForm(string name, PdfDictionary? resources, int depth)
    {
        if (file.Resolve(file.ResolveDictionary(resources?["XObject"])?[name]) is not PdfStream form
            || form.Dictionary.NameOf("Subtype") != "Form" || file.Decode(form) is not { } data)
            return;
        var formResources = file.ResolveDictionary(form.Dictionary["Resources"]) ?? resources;
        // A form has its own text state; keep the page's around it.
        var (font, size, lineMatrix, textMatrix) = (_font, _fontSize, _lineMatrix, _textMatrix);
        Run(Encoding.Latin1.GetString(data), formResources, depth + 1);
        (_font, _fontSize, _lineMatrix, _textMatrix) = (font, size, lineMatrix, textMatrix);
    }

    private PdfFont FontFor(string name, Dictionary<string, PdfFont> cache, PdfDictionary? fontResources)
    {
        if (cache.TryGetValue(name, out var font))
            return font;
        font = file.ResolveDictionary(fontResources?[name]) is { } dictionary ? PdfFont.Create(dictionary, file) : PdfFont.Fallback;
        cache[name] = font;
        return font;
    }

    private static double[]? Numbers(List<object?> operands, int count)
    {
        if (operands.Count < count)
            return null;
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (operands[operands.Count - count + i] is not double value)
                return null;
            values[i] = value;
        }
        return values;
    }

    private void MoveLine(double tx, double ty)
    {
        _lineMatrix = _lineMatrix.Translate(tx, ty);
        _textMatrix = _lineMatrix;
        if (Math.Abs(ty) < 0.01 && Math.Abs(tx) > 0.01)
            _movedHorizontally = true;
    }

    private void NextLine()
    {
        MoveLine(0, -_leading);
        _forceLineBreak = true;
    }

    private void Show(byte[] bytes)
    {
        var text = _font.Decode(bytes);
        if (text.Length == 0)
            return;
        var y = _textMatrix.F;
        var size = Math.Max(1, Math.Abs(_fontSize * (_textMatrix.D != 0 ? _textMatrix.D : 1)));
        if (_lastY is { } lastY)
        {
            var gap = Math.Abs(y - lastY);
            if (gap > ParagraphGapInLines * size || y > lastY + size)
                EndParagraph();
            else if (gap > 0.5 * size || _forceLineBreak)
                EndLine();
            else if (_movedHorizontally && _line.Length > 0 && _line[^1] != ' ')
                _line.Append(' ');
        }
        _lastY = y;
        _movedHorizontally = false;
        _forceLineBreak = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (_line.Length > 0 && _line[^1] != ' ')
                    _line.Append(' ');
            }
            else
            {
                _line.Append(c);
            }
        }
    }

    private void EndLine()
    {
        var line = _line.ToString().Trim();
        if (line.Length > 0)
            _lines.Add(line);
        _line.Clear();
    }

    private void EndParagraph()
    {
        EndLine();
        if (_lines.Count > 0)
            _paragraphs.Add(string.Join('\n', _lines));
        _lines.Clear();
    }

    /// <summary>Skips "BI … ID &lt;binary&gt; EI" so image bytes are not read as operators.</summary>
    private static void SkipInlineImage(PdfLexer lexer)
    {
        while (lexer.ReadObject() is var token && token is not PdfEndOfInput)
        {
            if (token is PdfOperator { Name: "ID" })
                break;
        }
        var source = lexer.Source;
        var position = lexer.Position + 1;
        while (position < source.Length)
        {
            var end = source.IndexOf("EI", position, StringComparison.Ordinal);
            if (end < 0)
            {
                position = source.Length;
                break;
            }
            var before = end == 0 || PdfLexer.IsWhitespace(source[end - 1]);
            var after = end + 2 >= source.Length || PdfLexer.IsWhitespace(source[end + 2]);
            position = end + 2;
            if (before && after)
                break;
        }
        lexer.Position = position;
    }

    private readonly record struct Matrix(double A, double B, double C, double D, double E, double F)
    {
        public static Matrix Identity { get; } = new(1, 0, 0, 1, 0, 0);

        /// <summary>Moves the origin by (tx, ty) in text space.</summary>
        public Matrix Translate(double tx, double ty) => this with { E = tx * A + ty * C + E, F = tx * B + ty * D + F };
    }
}
