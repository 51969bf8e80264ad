using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval.Analysis;

/// <summary>
/// The Porter stemming algorithm (M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980),
/// for lower-case English words. Like Porter's own reference implementation and Lucene's PorterStemFilter,
/// it departs from the paper in three small ways: words of one or two letters are left alone, step 2 maps
/// "-bli" to "-ble" (the paper: "-abli" to "-able") and step 2 also maps "-logi" to "-log".
/// </summary>
public static class PorterStemmer
{
    /// <summary>The stem of a lower-case word.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 2) return word;
        Span<char> buffer = word.Length <= 256 ? stackalloc char[word.Length] : new char[word.Length];
        word.CopyTo(buffer);
        var length = Stem(buffer);
        return buffer[..length].SequenceEqual(word) ? word : new string(buffer[..length]);
    }

    /// <summary>Stems a lower-case word in place and returns the stem's length (stems are never longer than the word).</summary>
    public static int Stem(Span<char> word)
    {
        if (word.Length <= 2) return word.Length;
        var stem = new Word(word);
        stem.Step1ab();
        if (stem.K > 0)
        {
            stem.Step1c();
            stem.Step2();
            stem.Step3();
            stem.Step4();
            stem.Step5();
        }
        return stem.K + 1;
    }

    /// <summary>The word being stemmed: b[0..k] is the current word, b[0..j] the stem before a matched suffix.</summary>
    private ref struct Word(Span<char> b)
    {
        private readonly Span<char> _b = b;
        private int _j;
        public int K = b.Length - 1;

        // A consonant is a letter other than a, e, i, o, u, and other than y preceded by a consonant.
        private readonly bool IsConsonant(int i) => _b[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !IsConsonant(i - 1),
            _ => true,
        };

        // m in [C](VC)^m[V], measured over b[0..j].
        private readonly int Measure()
        {
            var n = 0;
            var i = 0;
            while (true)
            {
                if (i > _j) return n;
                if (!IsConsonant(i)) break;
                i++;
            }
            i++;
            while (true)
            {
                while (true)
                {
                    if (i > _j) return n;
                    if (IsConsonant(i)) break;
                    i++;
                }
                i++;
                n++;
                while (true)
                {
                    if (i > _j) return n;
                    if (!IsConsonant(i)) break;
                    i++;
                }
                i++;
            }
        }

        // *v*: b[0..j] contains a vowel.
        private readonly bool StemHasVowel()
        {
            for (var i = 0; i <= _j; i++)
                if (!IsConsonant(i)) return true;
            return false;
        }

        // *d: b[i-1..i] is a double consonant.
        private readonly bool IsDoubleConsonant(int i) => i >= 1 && _b[i] == _b[i - 1] && IsConsonant(i);

        // *o: b[i-2..i] is consonant-vowel-consonant and the last is not w, x or y.
        private readonly bool IsCvc(int i)
        {
            if (i < 2 || !IsConsonant(i) || IsConsonant(i - 1) || !IsConsonant(i - 2)) return false;
            return _b[i] is not ('w' or 'x' or 'y');
        }

        // Whether b[0..k] ends with the suffix; if so j marks the end of the stem before it.
        private bool EndsWith(string suffix)
        {
            var length = suffix.Length;
            if (length > K + 1 || _b[K] != suffix[length - 1]) return false;
            if (!_b.Slice(K - length + 1, length).SequenceEqual(suffix)) return false;
            _j = K - length;
            return true;
        }

        // Replaces b[j+1..k] by the replacement.
        private void SetTo(string replacement)
        {
            replacement.CopyTo(_b[(_j + 1)..]);
            K = _j + replacement.Length;
        }

        private void ReplaceIfMeasurePositive(string replacement)
        {
            if (Measure() > 0) SetTo(replacement);
        }

        // Step 1a: plurals. Step 1b: -eed, -ed, -ing, and tidying up what is left.
        public void Step1ab()
        {
            if (_b[K] == 's')
            {
                if (EndsWith("sses")) K -= 2;
                else if (EndsWith("ies")) SetTo("i");
                else if (_b[K - 1] != 's') K--;
            }
            if (EndsWith("eed"))
            {
                if (Measure() > 0) K--;
            }
            else if ((EndsWith("ed") || EndsWith("ing")) && StemHasVowel())
            {
                K = _j;
                if (EndsWith("at")) SetTo("ate");
                else if (EndsWith("bl")) SetTo("ble");
                else if (EndsWith("iz")) SetTo("ize");
                else if (IsDoubleConsonant(K))
                {
                    K--;
                    if (_b[K] is 'l' or 's' or 'z') K++;
                }
                else
                {
                    _j = K;
                    if (Measure() == 1 && IsCvc(K)) SetTo("e");
                }
            }
        }

        // Step 1c: a final y becomes i when there is another vowel in the stem.
        public void Step1c()
        {
            if (EndsWith("y") && StemHasVowel()) _b[K] = 'i';
        }

        // Step 2: double suffixes map to single ones when m > 0. The switch on the penultimate letter picks the longest match.
        public void Step2()
        {
            switch (_b[K - 1])
            {
                case 'a':
                    if (EndsWith("ational")) { ReplaceIfMeasurePositive("ate"); break; }
                    if (EndsWith("tional")) { ReplaceIfMeasurePositive("tion"); break; }
                    break;
                case 'c':
                    if (EndsWith("enci")) { ReplaceIfMeasurePositive("ence"); break; }
                    if (EndsWith("anci")) { ReplaceIfMeasurePositive("ance"); break; }
                    break;
                case 'e':
                    if (EndsWith("izer")) { ReplaceIfMeasurePositive("ize"); break; }
                    break;
                case 'l':
                    if (EndsWith("bli")) { ReplaceIfMeasurePositive("ble"); break; }
                    if (EndsWith("alli")) { ReplaceIfMeasurePositive("al"); break; }
                    if (EndsWith("entli")) { ReplaceIfMeasurePositive("ent"); break; }
                    if (EndsWith("eli")) { ReplaceIfMeasurePositive("e"); break; }
                    if (EndsWith("ousli")) { ReplaceIfMeasurePositive("ous"); break; }
                    break;
                case 'o':
                    if (EndsWith("ization")) { ReplaceIfMeasurePositive("ize"); break; }
                    if (EndsWith("ation")) { ReplaceIfMeasurePositive("ate"); break; }
                    if (EndsWith("ator")) { ReplaceIfMeasurePositive("ate"); break; }
                    break;
                case 's':
                    if (EndsWith("alism")) { ReplaceIfMeasurePositive("al"); break; }
                    if (EndsWith("iveness")) { ReplaceIfMeasurePositive("ive"); break; }
                    if (EndsWith("fulness")) { ReplaceIfMeasurePositive("ful"); break; }
                    if (EndsWith("ousness")) { ReplaceIfMeasurePositive("ous"); break; }
                    break;
                case 't':
                    if (EndsWith("aliti")) { ReplaceIfMeasurePositive("al"); break; }
                    if (EndsWith("iviti")) { ReplaceIfMeasurePositive("ive"); break; }
                    if (EndsWith("biliti")) { ReplaceIfMeasurePositive("ble"); break; }
                    break;
                case 'g':
                    if (EndsWith("logi")) { ReplaceIfMeasurePositive("log"); break; }
                    break;
            }
        }

        // Step 3: -ic-, -full, -ness etc. when m > 0.
        public void Step3()
        {
            switch (_b[K])
            {
                case 'e':
                    if (EndsWith("icate")) { ReplaceIfMeasurePositive("ic"); break; }
                    if (EndsWith("ative")) { ReplaceIfMeasurePositive(""); break; }
                    if (EndsWith("alize")) { ReplaceIfMeasurePositive("al"); break; }
                    break;
                case 'i':
                    if (EndsWith("iciti")) { ReplaceIfMeasurePositive("ic"); break; }
                    break;
                case 'l':
                    if (EndsWith("ical")) { ReplaceIfMeasurePositive("ic"); break; }
                    if (EndsWith("ful")) { ReplaceIfMeasurePositive(""); break; }
                    break;
                case 's':
                    if (EndsWith("ness")) { ReplaceIfMeasurePositive(""); break; }
                    break;
            }
        }

        // Step 4: removes -ant, -ence etc. when m > 1.
        public void Step4()
        {
            if (K < 1) return;
            switch (_b[K - 1])
            {
                case 'a':
                    if (EndsWith("al")) break;
                    return;
                case 'c':
                    if (EndsWith("ance") || EndsWith("ence")) break;
                    return;
                case 'e':
                    if (EndsWith("er")) break;
                    return;
                case 'i':
                    if (EndsWith("ic")) break;
                    return;
                case 'l':
                    if (EndsWith("able") || EndsWith("ible")) break;
                    return;
                case 'n':
                    if (EndsWith("ant") || EndsWith("ement") || EndsWith("ment") || EndsWith("ent")) break;
                    return;
                case 'o':
                    if (EndsWith("ion") && _j >= 0 && _b[_j] is 's' or 't') break;
                    if (EndsWith("ou")) break;
                    return;
                case 's':
                    if (EndsWith("ism")) break;
                    return;
                case 't':
                    if (EndsWith("ate") || EndsWith("iti")) break;
                    return;
                case 'u':
                    if (EndsWith("ous")) break;
                    return;
                case 'v':
                    if (EndsWith("ive")) break;
                    return;
                case 'z':
                    if (EndsWith("ize")) break;
                    return;
                default:
                    return;
            }
            if (Measure() > 1) K = _j;
        }

        // Step 5: removes a final -e when m > 1 (or m = 1 and not *o), and -ll becomes -l when m > 1.
        public void Step5()
        {
            _j = K;
            if (_b[K] == 'e')
            {
                var m = Measure();
                if (m > 1 || (m == 1 && !IsCvc(K - 1))) K--;
            }
            if (_b[K] == 'l' && IsDoubleConsonant(K) && Measure() > 1) K--;
        }
    }
}
