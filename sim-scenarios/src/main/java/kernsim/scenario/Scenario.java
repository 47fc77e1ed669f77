package kernsim.scenario;

import java.util.List;
import java.util.Objects;
import kernsim.cpu.Kernel;
import kernsim.cpu.Stmt;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;

/**
 * A parsed scenario: its header, the setup program (run alone, not explored) and one program per hart.
 * Programs are compiled statements ({@code cpu.Stmt}) whose text is the source line as written.
 *
 * @param name the scenario's name ({@code scenario NAME}, else the file's base name without {@code .ksim})
 * @param title {@code title "…"}, else the description's first line, else the name
 * @param description the leading comment lines, without their {@code #}, joined by newlines ("" for none)
 * @param file the file as the caller named it
 * @param text the whole text (its hash goes into traces)
 * @param profile {@code profile NAME} (default {@code starry}): the profile the scenario was written for
 * @param fixes {@code fix NAME} lines: fixes always on for this scenario
 * @param expect {@code expect NAME} lines: oracle names exploration should report; {@code ["none"]} for
 *     {@code expect none}; empty when the scenario says nothing
 * @param loops the number of {@code /dev/loopN} devices (default 1)
 * @param setup the setup program, setup commands expanded to their syscalls
 * @param hartNames each hart's actor name ({@code mounter}, or {@code hart-1} for {@code hart 1:})
 * @param harts each hart's program, in the order of {@code hartNames}
 * @param prober {@code prober on}: the udev-like prober ({@code cpu.Prober}) runs alongside the harts
 */
public record Scenario(String name, String title, String description, String file, String text,
    String profile, List<Fix> fixes, List<String> expect, int loops,
    List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts, boolean prober) {
  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(profile, "profile");
    fixes = List.copyOf(fixes);
    expect = List.copyOf(expect);
    setup = List.copyOf(setup);
    hartNames = List.copyOf(hartNames);
    harts = harts.stream().map(List::copyOf).toList();
    if (hartNames.size() != harts.size()) {
      throw new IllegalArgumentException(harts.size() + " harts but " + hartNames.size() + " names");
    }
  }

  /** A scenario without the prober. */
  public Scenario(String name, String title, String description, String file, String text,
      String profile, List<Fix> fixes, List<String> expect, int loops,
      List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts) {
    this(name, title, description, file, text, profile, fixes, expect, loops, setup, hartNames, harts, false);
  }

  /**
   * The kernel to boot: this scenario's programs under {@code semantics} (profile + fixes the caller
   * chose), with the scenario's own {@code fix} lines turned on as well.
   */
  public Kernel.Spec kernelSpec(Semantics semantics) {
    return new Kernel.Spec(loops, setup, harts, hartNames, semantics.with(fixes), prober);
  }

  /** The kernel to boot under the scenario's own profile and fixes. */
  public Kernel.Spec kernelSpec() {
    return kernelSpec(semantics());
  }

  /** The scenario's own profile with its fixes. */
  public Semantics semantics() {
    return Semantics.of(profile, fixes);
  }

  /** Each hart's actor key as timelines and observations show it ({@code world/mounter}). */
  public List<String> hartKeys() {
    return hartNames.stream().map(n -> "world/" + n).toList();
  }
}
