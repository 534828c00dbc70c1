namespace Drydock.Oci.Registry;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 9110 section 11.6.1), such as
/// <c>Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"</c>.
/// Parameter names are case-insensitive; values keep their case.
/// </summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>
    /// Parses every challenge in one header value. Throws <see cref="FormatException"/> naming
    /// the header when it is malformed: an unterminated quoted string, a parameter without a
    /// value, or text that is neither a scheme nor a parameter.
    /// </summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(string header)
    {
        var parser = new Parser(header);
        var challenges = new List<AuthChallenge>();
        while (parser.SkipSeparators())
        {
            var scheme = parser.ReadToken();
            if (scheme.Length == 0)
            {
                throw parser.Error("an authentication scheme");
            }

            challenges.Add(new AuthChallenge(scheme, parser.ReadParameters()));
        }

        return challenges;
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public bool SkipSeparators()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or ',')
            {
                _position++;
            }

            return _position < text.Length;
        }

        public Dictionary<string, string> ReadParameters()
        {
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            SkipWhitespace();
            while (_position < text.Length)
            {
                var start = _position;
                var name = ReadToken();
                SkipWhitespace();
                if (name.Length == 0 || _position >= text.Length || text[_position] != '=')
                {
                    // Not a parameter: the next challenge's scheme starts here.
                    _position = start;
                    break;
                }

                _position++;
                SkipWhitespace();
                parameters[name] = ReadValue(name);
                SkipWhitespace();
                if (_position < text.Length && text[_position] == ',')
                {
                    _position++;
                    SkipWhitespace();
                }
                else if (_position < text.Length)
                {
                    throw Error("',' between parameters");
                }
            }

            return parameters;
        }

        public string ReadToken()
        {
            var start = _position;
            while (_position < text.Length && IsTokenChar(text[_position]))
            {
                _position++;
            }

            return text[start.._position];
        }

        public FormatException Error(string expected) => new(
            $"Invalid WWW-Authenticate header '{text}': expected {expected} at character {_position + 1}.");

        private string ReadValue(string name)
        {
            if (_position < text.Length && text[_position] == '"')
            {
                return ReadQuoted();
            }

            var value = ReadToken();
            return value.Length > 0 ? value : throw Error($"a value for parameter '{name}'");
        }

        private string ReadQuoted()
        {
            var builder = new System.Text.StringBuilder();
            _position++;
            while (_position < text.Length)
            {
                var c = text[_position++];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c == '\\' && _position < text.Length)
                {
                    c = text[_position++];
                }

                builder.Append(c);
            }

            throw Error("a closing '\"'");
        }

        private void SkipWhitespace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t')
            {
                _position++;
            }
        }

        // RFC 9110 section 5.6.2 tchar, plus '/' and ':' that some token servers leave unquoted.
        private static bool IsTokenChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~/:".Contains(c, StringComparison.Ordinal);
    }
}
