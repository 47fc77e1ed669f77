package kernsim.scenario;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of a scenario into tokens. A scenario is line-oriented (a statement never spans
 * lines), so the lexer works a line at a time; {@code #} outside a string starts a comment.
 *
 * <p>Tokens: identifiers ({@code [A-Za-z_][A-Za-z0-9_.-]*}, so {@code mkfs.ext4} and
 * {@code stale-cache} are one token), integers (decimal, {@code 0x} hex, {@code 0} octal, an optional
 * {@code -}, an optional size suffix K, M or G for powers of 1024), strings in double quotes with C
 * escapes, bare paths ({@code /img}, for setup commands) and punctuation {@code ( ) [ ] { } , = | & :}.
 */
final class Lexer {
  enum Kind { IDENT, INT, STRING, PATH, PUNCT }

  /** A token: its kind, its text as written, its 1-based position, and its value (Long, String). */
  record Token(Kind kind, String text, int line, int col, Object value) {
    boolean is(String punct) {
      return kind == Kind.PUNCT && text.equals(punct);
    }

    boolean isIdent(String word) {
      return kind == Kind.IDENT && text.equals(word);
    }

    long longValue() {
      return (Long) value;
    }

    String string() {
      return (String) value;
    }

    /** How an error message shows it: strings as written, the rest in backquotes. */
    String shown() {
      return switch (kind) {
        case STRING -> "string " + text;
        case INT -> "number `" + text + "`";
        default -> "`" + text + "`";
      };
    }
  }

  /** A mistake found while lexing: the parser adds the file and the source line. */
  static final class Error extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;
    final int col;

    Error(int line, int col, String message) {
      super(message, null, false, false);
      this.line = line;
      this.col = col;
    }
  }

  private static final String PUNCT = "()[]{},=|&:!";

  private Lexer() {}

  /** The tokens of {@code text}, which is line {@code line} of the file, from column {@code start} (0-based). */
  static List<Token> tokens(String text, int line, int start) throws Error {
    List<Token> out = new ArrayList<>();
    int i = start;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
      } else if (c == '#') {
        break;
      } else if (c == '"') {
        i = string(text, line, i, out);
      } else if (isIdentStart(c)) {
        int j = i + 1;
        while (j < n && isIdentPart(text.charAt(j))) {
          j++;
        }
        String word = text.substring(i, j);
        out.add(new Token(Kind.IDENT, word, line, i + 1, word));
        i = j;
      } else if (isDigit(c) || (c == '-' && i + 1 < n && isDigit(text.charAt(i + 1)))) {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
          j++;
        }
        String word = text.substring(i, j);
        out.add(new Token(Kind.INT, word, line, i + 1, number(word, line, i + 1)));
        i = j;
      } else if (c == '/') {
        int j = i + 1;
        while (j < n && !isPathEnd(text.charAt(j))) {
          j++;
        }
        String word = text.substring(i, j);
        out.add(new Token(Kind.PATH, word, line, i + 1, word));
        i = j;
      } else if (PUNCT.indexOf(c) >= 0) {
        out.add(new Token(Kind.PUNCT, String.valueOf(c), line, i + 1, null));
        i++;
      } else if (c == ';') {
        throw new Error(line, i + 1, "unexpected `;`: a statement ends at the end of its line");
      } else {
        throw new Error(line, i + 1, "unexpected character " + describe(c));
      }
    }
    return out;
  }

  private static String describe(char c) {
    if (c < 0x20 || c == 0x7F) {
      return String.format("U+%04X (a control character)", (int) c);
    }
    if (c > 0x7E) {
      return String.format("`%c` (U+%04X; only strings may hold non-ASCII text)", c, (int) c);
    }
    return "`" + c + "`";
  }

  static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c) || c == '.' || c == '-';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isPathEnd(char c) {
    return c == ' ' || c == '\t' || c == '#' || c == ',' || c == '(' || c == ')' || c == '"';
  }

  // ==== numbers ====

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** An integer as C writes it, with an optional size suffix: {@code 64K} is 65536. */
  static long number(String word, int line, int col) throws Error {
    boolean negative = word.startsWith("-");
    String body = negative ? word.substring(1) : word;
    int radix = 10;
    String digits;
    int end;
    if (body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X') && body.charAt(0) == '0') {
      radix = 16;
      end = 2;
      while (end < body.length() && Character.digit(body.charAt(end), 16) >= 0 && isAsciiAlnum(body.charAt(end))) {
        end++;
      }
      digits = body.substring(2, end);
      if (digits.isEmpty()) {
        throw new Error(line, col, "bad number `" + word + "`: expected hex digits after 0x");
      }
    } else {
      end = 0;
      while (end < body.length() && isDigit(body.charAt(end))) {
        end++;
      }
      digits = body.substring(0, end);
      if (digits.length() > 1 && digits.charAt(0) == '0') {
        radix = 8;
        for (int k = 0; k < digits.length(); k++) {
          if (digits.charAt(k) > '7') {
            throw new Error(line, col, "bad number `" + word + "`: a leading 0 makes it octal, and `"
                + digits.charAt(k) + "` is not an octal digit");
          }
        }
      }
    }
    String suffix = body.substring(end);
    BigInteger unit = switch (suffix) {
      case "" -> BigInteger.ONE;
      case "K" -> BigInteger.valueOf(1L << 10);
      case "M" -> BigInteger.valueOf(1L << 20);
      case "G" -> BigInteger.valueOf(1L << 30);
      default -> {
        if (suffix.chars().allMatch(ch -> (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
          throw new Error(line, col + (negative ? 1 : 0) + end,
              "bad size suffix `" + suffix + "` in `" + word + "`: expected K, M or G (powers of 1024)");
        }
        throw new Error(line, col, "bad number `" + word + "`");
      }
    };
    BigInteger v = new BigInteger(digits, radix).multiply(unit);
    if (negative) {
      v = v.negate();
    }
    if (v.compareTo(LONG_MIN) < 0 || v.compareTo(LONG_MAX) > 0) {
      throw new Error(line, col, "number `" + word + "` is out of range (a 64-bit signed integer)");
    }
    return v.longValueExact();
  }

  private static boolean isAsciiAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  // ==== strings ====

  /** Lexes the string starting at {@code open} (a quote); returns the index after its closing quote. */
  private static int string(String text, int line, int open, List<Token> out) throws Error {
    StringBuilder value = new StringBuilder();
    int i = open + 1;
    int n = text.length();
    while (true) {
      if (i >= n) {
        throw new Error(line, open + 1, "unterminated string: expected a closing `\"` on the same line");
      }
      char c = text.charAt(i);
      if (c == '"') {
        out.add(new Token(Kind.STRING, text.substring(open, i + 1), line, open + 1, value.toString()));
        return i + 1;
      }
      if (c != '\\') {
        value.append(c);
        i++;
        continue;
      }
      if (i + 1 >= n) {
        throw new Error(line, open + 1, "unterminated string: expected a closing `\"` on the same line");
      }
      int esc = i;
      char e = text.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'n' -> value.append('\n');
        case 't' -> value.append('\t');
        case 'r' -> value.append('\r');
        case 'a' -> value.append('\u0007');
        case 'b' -> value.append('\b');
        case 'f' -> value.append('\f');
        case 'v' -> value.append('\u000B');
        case '\\' -> value.append('\\');
        case '"' -> value.append('"');
        case '\'' -> value.append('\'');
        case 'x' -> {
          int start = i;
          while (i < n && i < start + 2 && Character.digit(text.charAt(i), 16) >= 0 && isAsciiAlnum(text.charAt(i))) {
            i++;
          }
          if (i == start) {
            throw new Error(line, esc + 1, "bad escape `\\x`: expected one or two hex digits after it");
          }
          value.append(ascii(Integer.parseInt(text.substring(start, i), 16), text.substring(esc, i), line, esc + 1));
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int start = i - 1;
            while (i < n && i < start + 3 && text.charAt(i) >= '0' && text.charAt(i) <= '7') {
              i++;
            }
            value.append(ascii(Integer.parseInt(text.substring(start, i), 8), text.substring(esc, i), line, esc + 1));
          } else {
            throw new Error(line, esc + 1, "bad escape `\\" + e + "`: expected one of \\n \\t \\r \\0 \\\\ \\\" "
                + "\\' \\a \\b \\f \\v \\xHH \\NNN");
          }
        }
      }
    }
  }

  private static char ascii(int v, String escape, int line, int col) throws Error {
    if (v > 0x7F) {
      throw new Error(line, col, "escape `" + escape + "` is above 0x7f: strings are UTF-8 text, so only ASCII "
          + "bytes can be written as escapes");
    }
    return (char) v;
  }
}
