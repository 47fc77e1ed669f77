package kernsim.cluster;

import java.net.IDN;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A cluster node's address as the command line gives it: {@code HOST:PORT}, the host a name or an IPv4
 * address, or an IPv6 address in brackets ({@code [::1]:2552}). Port 0 (only where a node binds, not where
 * it joins) asks the system for a free one.
 */
public record HostPort(String host, int port) {
  private static final Pattern FORM = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]\\s]+):([0-9]{1,5})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

  public HostPort {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("the port must be 0 to 65535, got " + port);
    }
  }

  /**
   * Reads {@code HOST:PORT}.
   *
   * @throws IllegalArgumentException with a message for the user
   */
  public static HostPort parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected HOST:PORT (e.g. 127.0.0.1:2552 or [::1]:2552), got '" + text + "'");
    }
    String host = m.group(1);
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!host.startsWith("[") && !NAME.matcher(IDN.toASCII(bare, IDN.ALLOW_UNASSIGNED)).matches()) {
      throw new IllegalArgumentException("'" + host + "' in '" + text + "' is not a host name or address");
    }
    int port = Integer.parseInt(m.group(2));
    if (port > 65_535) {
      throw new IllegalArgumentException("the port must be 0 to 65535, got " + port + " in '" + text + "'");
    }
    return new HostPort(bare, port);
  }

  /** The host as Pekko's addresses write it (an IPv6 address in brackets). */
  String uriHost() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return uriHost() + ":" + port;
  }

  /** picocli's converter: a malformed address is a usage mistake (exit 2, with the usage). */
  public static final class Converter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
