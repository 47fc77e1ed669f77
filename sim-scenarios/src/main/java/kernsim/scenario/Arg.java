package kernsim.scenario;

import java.util.List;
import java.util.stream.Collectors;
import kernsim.scenario.Lexer.Token;

/**
 * One argument of a call as written, before it is given a meaning: a bare name may be a variable, a
 * constant or an ioctl command, which only the call's signature decides. {@link #text()} is how the
 * statement shows it (as written, spacing normalised), {@link #shown()} how an error message names it.
 */
sealed interface Arg {
  /** The first token, where errors about the argument point. */
  Token at();

  String text();

  default String shown() {
    return at().shown();
  }

  /** An integer. */
  record Int(Token tok) implements Arg {
    public Token at() {
      return tok;
    }

    public String text() {
      return tok.text();
    }

    long value() {
      return tok.longValue();
    }
  }

  /** A string in double quotes. */
  record Str(Token tok) implements Arg {
    public Token at() {
      return tok;
    }

    public String text() {
      return tok.text();
    }

    String value() {
      return tok.string();
    }
  }

  /** A bare path ({@code /img}): a value for setup commands, a mistake in a call. */
  record Path(Token tok) implements Arg {
    public Token at() {
      return tok;
    }

    public String text() {
      return tok.text();
    }

    public String shown() {
      return "bare path `" + tok.text() + "`";
    }
  }

  /** One identifier: a variable, a constant or a command. */
  record Name(Token tok) implements Arg {
    public Token at() {
      return tok;
    }

    public String text() {
      return tok.text();
    }

    String name() {
      return tok.text();
    }
  }

  /** Two or more names or integers joined by {@code |}. */
  record Flags(List<Token> terms) implements Arg {
    public Flags {
      terms = List.copyOf(terms);
    }

    public Token at() {
      return terms.get(0);
    }

    public String text() {
      return terms.stream().map(Token::text).collect(Collectors.joining("|"));
    }

    public String shown() {
      return "`" + text() + "`";
    }
  }

  /** {@code NULL}. */
  record Null(Token tok) implements Arg {
    public Token at() {
      return tok;
    }

    public String text() {
      return "NULL";
    }
  }

  /** {@code &N}: a pointer to a fresh {@code loff_t} holding N. */
  record Ptr(Token amp, Token num) implements Arg {
    public Token at() {
      return amp;
    }

    public String text() {
      return "&" + num.text();
    }

    public String shown() {
      return "`" + text() + "`";
    }

    long value() {
      return num.longValue();
    }
  }

  /** {@code [a, b, …]}. */
  record Array(Token open, List<Arg> items) implements Arg {
    public Array {
      items = List.copyOf(items);
    }

    public Token at() {
      return open;
    }

    public String text() {
      return items.stream().map(Arg::text).collect(Collectors.joining(", ", "[", "]"));
    }

    public String shown() {
      return "array " + text();
    }
  }

  /** {@code {field: value, …}}. */
  record Struct(Token open, List<Field> fields) implements Arg {
    public Struct {
      fields = List.copyOf(fields);
    }

    public Token at() {
      return open;
    }

    public String text() {
      return fields.stream().map(f -> f.name().text() + ": " + f.value().text()).collect(Collectors.joining(", ", "{", "}"));
    }

    public String shown() {
      return "struct " + text();
    }
  }

  /** One {@code name: value} of a struct. */
  record Field(Token name, Arg value) {}
}
