package kernsim.dev;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the model behaves: a semantic profile (whose behaviour where sources differ) and the fixes
 * turned on over it. Immutable; kernel code asks {@link #has(Fix)} where a fix changes a step.
 *
 * @param profile the profile's name; {@code starry} is the source's behaviour, races included;
 *     {@code linux} is Linux 6.x's loop driver and block layer where they differ (docs/profiles.md)
 * @param fixes the fixes turned on
 */
public record Semantics(String profile, Set<Fix> fixes) {
  /** The profiles this model knows. */
  public static final List<String> PROFILES = List.of("starry", "linux");

  /** starry-kernel as written, no fixes. */
  public static final Semantics STARRY = new Semantics("starry", Set.of());

  /** Linux 6.x's loop driver and block layer where they differ from the source (docs/profiles.md), no fixes. */
  public static final Semantics LINUX = new Semantics("linux", Set.of());

  public Semantics {
    if (!PROFILES.contains(profile)) {
      throw new IllegalArgumentException("unknown profile '" + profile + "' (known: " + String.join(", ", PROFILES) + ")");
    }
    EnumSet<Fix> copy = EnumSet.noneOf(Fix.class);
    copy.addAll(fixes);
    fixes = java.util.Collections.unmodifiableSet(copy);
  }

  public static Semantics of(String profile, Collection<Fix> fixes) {
    return new Semantics(profile, Set.copyOf(fixes));
  }

  /** Whether this is the linux profile. */
  public boolean linux() {
    return profile.equals("linux");
  }

  public boolean has(Fix fix) {
    return fixes.contains(fix);
  }

  /** The same profile with {@code more} fixes on as well. */
  public Semantics with(Collection<Fix> more) {
    EnumSet<Fix> all = EnumSet.noneOf(Fix.class);
    all.addAll(fixes);
    all.addAll(more);
    return new Semantics(profile, all);
  }

  /** The fixes' names in declaration order, comma-separated ("" for none). */
  public String fixList() {
    return fixes.stream().map(Fix::id).collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    return fixes.isEmpty() ? profile : profile + "+" + fixList();
  }
}
