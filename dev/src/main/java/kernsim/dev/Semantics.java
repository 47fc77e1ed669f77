package kernsim.dev;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the model behaves: a semantic profile (whose behaviour where sources differ), the fixes turned on
 * over it and, under linux, the regress toggles (pre-patch Linux behaviour, {@link Regress}). Immutable;
 * kernel code asks {@link #has(Fix)} or {@link #has(Regress)} where a toggle changes a step.
 *
 * @param profile the profile's name; {@code starry} is the source's behaviour, races included;
 *     {@code linux} is Linux 6.x's loop driver and block layer where they differ (docs/profiles.md)
 * @param fixes the fixes turned on
 * @param regressions the regress toggles turned on (only under {@link Regress#PROFILE})
 */
public record Semantics(String profile, Set<Fix> fixes, Set<Regress> regressions) {
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
    EnumSet<Regress> back = EnumSet.noneOf(Regress.class);
    back.addAll(regressions);
    if (!back.isEmpty() && !profile.equals(Regress.PROFILE)) {
      throw new IllegalArgumentException("regress toggles (" + back.stream().map(Regress::id)
          .collect(Collectors.joining(", ")) + ") apply to the " + Regress.PROFILE + " profile only, not " + profile);
    }
    regressions = java.util.Collections.unmodifiableSet(back);
  }

  /** {@code profile} with {@code fixes} and no regress toggle. */
  public Semantics(String profile, Set<Fix> fixes) {
    this(profile, fixes, Set.of());
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

  /** Whether regress toggle {@code r} is on: the pre-patch Linux behaviour it names. */
  public boolean has(Regress r) {
    return regressions.contains(r);
  }

  /** The same with {@code more} regress toggles on as well. */
  public Semantics withRegressions(Collection<Regress> more) {
    EnumSet<Regress> all = EnumSet.noneOf(Regress.class);
    all.addAll(regressions);
    all.addAll(more);
    return new Semantics(profile, fixes, all);
  }

  /** The regress toggles' names in declaration order, comma-separated ("" for none). */
  public String regressList() {
    return regressions.stream().map(Regress::id).collect(Collectors.joining(","));
  }

  /** The same profile with {@code more} fixes on as well. */
  public Semantics with(Collection<Fix> more) {
    EnumSet<Fix> all = EnumSet.noneOf(Fix.class);
    all.addAll(fixes);
    all.addAll(more);
    return new Semantics(profile, all, regressions);
  }

  /** The fixes' names in declaration order, comma-separated ("" for none). */
  public String fixList() {
    return fixes.stream().map(Fix::id).collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    String s = fixes.isEmpty() ? profile : profile + "+" + fixList();
    return regressions.isEmpty() ? s : s + " regress " + regressList();
  }
}
