package kernsim.actors;

import org.apache.pekko.actor.ActorPath;

/**
 * Stable actor keys: the path below the world's permanent guardian ({@code /user}), without the
 * address or the random uid. {@code /user/world/hart-1} has the key {@code world/hart-1}.
 */
public final class Keys {
  private static final String USER = "/user";
  /** The key of the permanent guardian at {@code /user}; it sorts before every world actor. */
  public static final String GUARDIAN = "(guardian)";

  private Keys() {}

  public static String of(ActorPath path) {
    String p = path.toStringWithoutAddress();
    if (p.equals(USER)) {
      return GUARDIAN;
    }
    if (p.startsWith(USER + "/")) {
      return p.substring(USER.length() + 1);
    }
    return p; // not a world actor (system actors, temporary refs)
  }

  public static String of(org.apache.pekko.actor.typed.ActorRef<?> ref) {
    return of(ref.path());
  }
}
