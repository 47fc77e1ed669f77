package kernsim.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.Scenarios;
import org.junit.jupiter.api.Test;

/** A replica's program with its harts multiplied, as text a trace can replay from. */
class WorkloadTest {
  @Test
  void copiesFollowTheOriginalsInOrderWithTheirOwnStatements() throws Exception {
    Scenario triad = Catalog.find("triad").orElseThrow();
    Scenario three = Workload.multiplied(triad, 3);
    assertEquals(List.of("mounter", "flusher", "detacher", "mounter-2", "flusher-2", "detacher-2", "mounter-3",
        "flusher-3", "detacher-3"), three.hartNames());
    for (int i = 0; i < three.harts().size(); i++) {
      assertEquals(triad.harts().get(i % 3), three.harts().get(i), three.hartNames().get(i));
    }
    assertEquals(triad.setup(), three.setup());
    assertEquals(triad.fixes(), three.fixes());
    // The text is the program: parsing it again gives the same harts.
    assertEquals(three.harts(), Scenarios.parse(three.text(), "again").harts());
    assertEquals(triad, Workload.multiplied(triad, 1));
  }

  @Test
  void numberedHartsAreCopiedUnderTheirActorNames() throws Exception {
    Scenario s = Scenarios.parse("""
        scenario numbered
        hart 1:
          fd = open("/f", O_RDWR|O_CREAT)
          # a comment in the block
          write(fd, "x")
        # a comment between blocks
        hart 2:
          fd = open("/f", O_RDWR)
          close(fd)""", "numbered.ksim");
    Scenario two = Workload.multiplied(s, 2);
    assertEquals(List.of("hart-1", "hart-2", "hart-1-2", "hart-2-2"), two.hartNames());
    assertEquals(s.harts().get(0), two.harts().get(2));
    assertEquals(s.harts().get(1), two.harts().get(3));
  }

  @Test
  void aCopyNamedLikeAnotherHartIsRefusedWithTheParsersMessage() throws Exception {
    Scenario s = Scenarios.parse("""
        hart a:
          fd = open("/f", O_RDWR|O_CREAT)
        hart a-2:
          fd = open("/f", O_RDWR|O_CREAT)
        """, "clash.ksim");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.multiplied(s, 2));
    assertTrue(e.getMessage().contains("duplicate hart name `a-2`"), e.getMessage());
  }
}
