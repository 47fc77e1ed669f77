package kernsim.scenario;

import java.util.List;
import java.util.Objects;
import kernsim.cpu.Boot;
import kernsim.cpu.Kernel;
import kernsim.cpu.Stmt;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;

/**
 * A parsed scenario: its header, the state its setup block leaves (built at boot, not explored) and one
 * program per hart. Programs are compiled statements ({@code cpu.Stmt}) whose text is the source line
 * as written.
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
 * @param boot what the setup block's leading setup commands leave: files, directories, bound loop
 *     devices (the kernel boots into it; nothing runs them)
 * @param setupCalls those commands expanded to the syscalls they stand for, in order
 *     ({@code image /img 16K: ftruncate(img, 16384)}): what the oracles take the boot state to be
 * @param setup the rest of the setup block, from its first syscall statement on (setup commands there
 *     expanded to their syscalls): the setup hart runs it alone before the harts start; usually empty
 * @param hartNames each hart's actor name ({@code mounter}, or {@code hart-1} for {@code hart 1:})
 * @param harts each hart's program, in the order of {@code hartNames}
 * @param prober {@code prober on}: the udev-like prober ({@code cpu.Prober}) runs alongside the harts
 * @param regressions {@code regress NAME} lines: pre-patch Linux behaviour this scenario turns on (linux
 *     profile only; {@link Settings#of} adds them unless the caller turns them off)
 * @param processes {@code process NAME:} blocks: processes whose harts are threads sharing one fd table,
 *     each with the program its leader hart ({@code world/NAME}) runs alone before the harts start
 * @param processOf for each hart, in the order of {@code hartNames}, the process it is a thread of
 *     ({@code hart a in p:}), or "" for a process of its own
 * @param expectations the blocks' {@code expect VAR == VALUE} statements, which the {@code expectation}
 *     oracle checks after every schedule
 * @param outcomes {@code outcome GRADE HART: "RESULTS" …} header lines, in order: how
 *     {@code explore --outcomes} grades an outcome whose harts' results they match
 * @param clientOptions {@code client-option NAME} lines, as the text has them ({@link Settings} may add or
 *     take some away: {@link Settings#clientOptions(Scenario)})
 * @param faults {@code faults SPEC} lines, joined: faults injected into the boot files
 *     ({@link kernsim.dev.file.FaultPlan}, docs/faults.md); {@code FaultPlan.NONE} without any
 */
public record Scenario(String name, String title, String description, String file, String text,
    String profile, List<Fix> fixes, List<String> expect, int loops,
    Boot boot, List<Stmt> setupCalls, List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts,
    boolean prober, List<kernsim.dev.Regress> regressions, List<Kernel.Process> processes, List<String> processOf,
    List<kernsim.oracle.Expectations.Check> expectations, List<Outcome> outcomes,
    java.util.SortedSet<String> clientOptions, kernsim.dev.file.FaultPlan faults) {
  /**
   * An {@code outcome} header line: the grade ({@code acceptable}, {@code interesting} or {@code forbidden})
   * of an outcome whose harts' results, as the outcomes table shows them ({@code 0, 2, "ab"}), are
   * {@code cells}' (by hart name; a hart not named matches any results); {@code line} is where it is.
   */
  public record Outcome(String grade, java.util.SortedMap<String, String> cells, int line) {
    public Outcome {
      cells = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(cells));
    }
  }

  public Scenario {
    expectations = List.copyOf(expectations);
    outcomes = List.copyOf(outcomes);
    regressions = List.copyOf(regressions);
    processes = List.copyOf(processes);
    processOf = processOf.isEmpty() ? java.util.Collections.nCopies(harts.size(), "") : List.copyOf(processOf);
    clientOptions = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(clientOptions));
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(profile, "profile");
    fixes = List.copyOf(fixes);
    expect = List.copyOf(expect);
    Objects.requireNonNull(boot, "boot");
    setupCalls = List.copyOf(setupCalls);
    setup = List.copyOf(setup);
    hartNames = List.copyOf(hartNames);
    harts = harts.stream().map(List::copyOf).toList();
    if (hartNames.size() != harts.size()) {
      throw new IllegalArgumentException(harts.size() + " harts but " + hartNames.size() + " names");
    }
  }

  /** Each hart a process of its own, no client option, no faults. */
  public Scenario(String name, String title, String description, String file, String text,
      String profile, List<Fix> fixes, List<String> expect, int loops,
      Boot boot, List<Stmt> setupCalls, List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts,
      boolean prober, List<kernsim.dev.Regress> regressions) {
    this(name, title, description, file, text, profile, fixes, expect, loops, boot, setupCalls, setup, hartNames,
        harts, prober, regressions, List.of(), List.of(), List.of(), List.of(), new java.util.TreeSet<>(),
        kernsim.dev.file.FaultPlan.NONE);
  }

  /** A scenario with no regress toggle. */
  public Scenario(String name, String title, String description, String file, String text,
      String profile, List<Fix> fixes, List<String> expect, int loops,
      Boot boot, List<Stmt> setupCalls, List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts,
      boolean prober) {
    this(name, title, description, file, text, profile, fixes, expect, loops, boot, setupCalls, setup, hartNames,
        harts, prober, List.of());
  }

  /** A scenario without the prober. */
  public Scenario(String name, String title, String description, String file, String text,
      String profile, List<Fix> fixes, List<String> expect, int loops,
      Boot boot, List<Stmt> setupCalls, List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts) {
    this(name, title, description, file, text, profile, fixes, expect, loops, boot, setupCalls, setup, hartNames,
        harts, false);
  }

  /**
   * The kernel to boot: this scenario's programs under {@code semantics} (profile + fixes the caller
   * chose), with the scenario's own {@code fix} lines turned on as well. Its {@code regress} lines are not
   * added here: {@code semantics} has those the caller left on ({@link Settings#of}). Its {@code faults}
   * lines are the kernel's fault plan (a caller adds its own with {@code Kernel.Spec.withFaults}).
   */
  public Kernel.Spec kernelSpec(Semantics semantics) {
    return new Kernel.Spec(loops, boot, setup, harts, hartNames, semantics.with(fixes), prober)
        .withProcesses(processes, processOf).withFaults(faults);
  }

  /** The kernel to boot under the scenario's own profile and fixes. */
  public Kernel.Spec kernelSpec() {
    return kernelSpec(semantics());
  }

  /** The scenario's own profile with its fixes and its regress toggles. */
  public Semantics semantics() {
    return Semantics.of(profile, fixes).withRegressions(regressions);
  }

  /**
   * Every call the boot state stands for, in order: the kernel's device nodes
   * ({@link Kernel#bootCalls}), then the setup block's leading setup commands, expanded.
   */
  public List<Stmt> bootCalls() {
    List<Stmt> all = new java.util.ArrayList<>(Kernel.bootCalls(loops));
    all.addAll(setupCalls);
    return List.copyOf(all);
  }

  /**
   * Each thread's process, by actor key: {@code world/a} → {@code world/p} for {@code hart a in p:}; a hart
   * of its own process is not listed. The oracles that follow fds keep one table per process by it.
   */
  public java.util.SortedMap<String, String> threads() {
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < hartNames.size(); i++) {
      if (!processOf.get(i).isEmpty()) {
        out.put("world/" + hartNames.get(i), "world/" + processOf.get(i));
      }
    }
    return out;
  }

  /** Each hart's actor key as timelines and observations show it ({@code world/mounter}). */
  public List<String> hartKeys() {
    return hartNames.stream().map(n -> "world/" + n).toList();
  }
}
