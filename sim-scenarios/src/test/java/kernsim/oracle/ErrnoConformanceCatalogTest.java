package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.cpu.Stmt;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import org.junit.jupiter.api.Test;

/**
 * The errno oracle reads every statement of every catalog scenario: one it took for unmodelled would
 * switch it off for the rest of the run (anything is allowed after an unmodelled success), silently.
 */
class ErrnoConformanceCatalogTest {
  @Test
  void everyCatalogStatementIsOneTheOracleModels() {
    List<String> unmodelled = new ArrayList<>();
    for (Scenario s : Catalog.all()) {
      List<Stmt> all = new ArrayList<>(s.bootCalls());
      s.harts().forEach(all::addAll);
      for (Stmt st : all) {
        if (!StarrySpec.modelled(st.call())) {
          unmodelled.add(s.name() + ": " + st.text());
        }
      }
    }
    assertTrue(unmodelled.isEmpty(), "statements the errno oracle does not model: " + unmodelled);
  }
}
