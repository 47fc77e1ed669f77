package kernsim.scenario;

import java.util.List;
import kernsim.cpu.Kernel;
import kernsim.cpu.Stmt;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;

/** A parsed scenario (placeholder until the scenario language lands; see Scenarios). */
public record Scenario(String name, String title, String description, String file, String text,
    String profile, List<Fix> fixes, List<String> expect, int loops,
    List<Stmt> setup, List<String> hartNames, List<List<Stmt>> harts) {
  /** The kernel to boot: this scenario's programs under {@code semantics}. */
  public Kernel.Spec kernelSpec(Semantics semantics) {
    return new Kernel.Spec(loops, setup, harts, hartNames, semantics);
  }
}
