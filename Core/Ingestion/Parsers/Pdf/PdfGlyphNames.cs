using System.Globalization;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers.Pdf;

/// <summary>Unicode for the glyph names that appear in /Differences arrays of simple fonts (the common subset).</summary>
internal static class PdfGlyphNames
{
    private static readonly Dictionary<string, string> Names = Build();

    public static string? ToUnicode(string name)
    {
        if (Names.TryGetValue(name, out var text))
            return text;
        if (name.Length == 1)
            return name;
        // uniXXXX and uXXXX[XX] name Unicode values directly.
        var hex = name.StartsWith("uni", StringComparison.Ordinal) ? name[3..] : name.StartsWith('u') ? name[1..] : null;
        if (hex is { Length: >= 4 and <= 6 } && int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
            && code is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
            return char.ConvertFromUtf32(code);
        return null;
    }

    private static Dictionary<string, string> Build()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["space"] = " ", ["exclam"] = "!", ["quotedbl"] = "\"", ["numbersign"] = "#", ["dollar"] = "$", ["percent"] = "%",
            ["ampersand"] = "&", ["quotesingle"] = "'", ["parenleft"] = "(", ["parenright"] = ")", ["asterisk"] = "*",
            ["plus"] = "+", ["comma"] = ",", ["hyphen"] = "-", ["period"] = ".", ["slash"] = "/", ["colon"] = ":",
            ["semicolon"] = ";", ["less"] = "<", ["equal"] = "=", ["greater"] = ">", ["question"] = "?", ["at"] = "@",
            ["bracketleft"] = "[", ["backslash"] = "\\", ["bracketright"] = "]", ["asciicircum"] = "^", ["underscore"] = "_",
            ["grave"] = "`", ["braceleft"] = "{", ["bar"] = "|", ["braceright"] = "}", ["asciitilde"] = "~",
            ["quoteleft"] = "\u2018", ["quoteright"] = "\u2019", ["quotedblleft"] = "\u201C", ["quotedblright"] = "\u201D",
            ["quotesinglbase"] = "\u201A", ["quotedblbase"] = "\u201E", ["endash"] = "\u2013", ["emdash"] = "\u2014",
            ["bullet"] = "\u2022", ["ellipsis"] = "\u2026", ["fi"] = "fi", ["fl"] = "fl", ["ff"] = "ff", ["ffi"] = "ffi",
            ["ffl"] = "ffl", ["minus"] = "\u2212", ["nbspace"] = "\u00A0", ["degree"] = "\u00B0", ["copyright"] = "\u00A9",
            ["registered"] = "\u00AE", ["trademark"] = "\u2122", ["Euro"] = "\u20AC", ["dagger"] = "\u2020",
            ["section"] = "\u00A7", ["paragraph"] = "\u00B6", ["periodcentered"] = "\u00B7", ["germandbls"] = "\u00DF",
        };
        string[] digits = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        for (var i = 0; i < digits.Length; i++)
            names[digits[i]] = ((char)('0' + i)).ToString();
        return names;
    }
}
