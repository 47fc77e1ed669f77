package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step view ({@code --steps} and its filters) and the interleaving by region. */
class StepViewTest {
  @TempDir static Path dir;
  static Path trace;

  /** The triad's race, found by exploring from seed 1; its trace is replayed by the tests. */
  @BeforeAll
  static void explore() {
    Cli.Outcome o = Cli.run("explore", "triad", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    trace = dir.resolve("triad-1.trace");
  }

  private static List<JsonNode> rows(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    doc.get("stepView").get("rows").forEach(out::add);
    return out;
  }

  @Test
  void showingTheStepsChangesNothingInTheRun() {
    JsonNode plain = Cli.run("run", "triad", "--seed", "6", "--json").json();
    JsonNode steps = Cli.run("run", "triad", "--seed", "6", "--json", "--steps").json();
    assertEquals(plain.get("eventLogHash"), steps.get("eventLogHash"));
    assertEquals(plain.get("steps"), steps.get("steps"));
    assertFalse(plain.has("stepView"), "the view is in the JSON only when asked for");
    assertEquals(steps.get("steps").asInt(), rows(steps).size(), "one row per step");
    Cli.Outcome replay = Cli.run("replay", trace.toString(), "--steps", "--interleaving", "regions");
    assertEquals(0, replay.exit(), replay.both());
    assertTrue(replay.out().contains("replay: CONFIRMED"), replay.out());
  }

  @Test
  void eachStepNamesTheSourcesRegionItStandsFor() {
    Cli.Outcome o = Cli.run("replay", trace.toString(), "--json", "--steps");
    assertEquals(0, o.exit(), o.both());
    List<JsonNode> rows = rows(o.json());
    // The mount's first block_cache region, at the device, for the mounter.
    assertTrue(rows.stream().anyMatch(r -> r.get("actor").asText().endsWith("/loop0")
        && r.get("type").asText().equals("LockCache") && r.get("hart").asText().equals("world/mounter")
        && r.get("region").asText().startsWith("as_dyn_block_device region 1 (block_cache lock)")), o.out());
    // Reading the backing file between the regions, with none of the device's locks held.
    assertTrue(rows.stream().anyMatch(r -> r.get("actor").asText().equals("world/file:img")
        && r.get("type").asText().equals("ReadAt")
        && r.get("region").asText().startsWith("as_dyn_block_device, no lock of its own")), o.out());
    // LOOP_CLR_FD's second block_cache region nests in its file lock.
    assertTrue(rows.stream().anyMatch(r -> r.get("hart").asText().equals("world/detacher")
        && r.get("region").asText().startsWith("LOOP_CLR_FD region 2 (file, block_cache locks)")), o.out());
    // Every step a hart took names a region.
    for (JsonNode r : rows) {
      if (r.get("actor").asText().equals(r.get("hart").asText())) {
        assertFalse(r.get("region").isNull(), r.toString());
      }
    }
  }

  @Test
  void filtersKeepAHartsAnActorsOrARangesSteps() {
    List<JsonNode> hart = rows(Cli.run("replay", trace.toString(), "--json", "--steps-hart", "detacher").json());
    assertFalse(hart.isEmpty());
    hart.forEach(r -> assertEquals("world/detacher", r.get("hart").asText(), r.toString()));
    assertTrue(hart.stream().anyMatch(r -> !r.get("actor").asText().equals("world/detacher")),
        "the hart's requests at their owners are its steps too");

    List<JsonNode> actor = rows(Cli.run("replay", trace.toString(), "--json", "--steps-actor", "loop0").json());
    assertFalse(actor.isEmpty());
    actor.forEach(r -> assertEquals("world/loop-control/loop0", r.get("actor").asText(), r.toString()));

    JsonNode ranged = Cli.run("replay", trace.toString(), "--json", "--steps-range", "40..60").json();
    List<JsonNode> range = rows(ranged);
    assertEquals(21, range.size());
    assertEquals(40, range.get(0).get("step").asInt());
    assertEquals(60, range.get(20).get("step").asInt());
    assertEquals(40, ranged.get("stepView").get("filter").get("from").asInt());

    Cli.Outcome text = Cli.run("replay", trace.toString(), "--steps-range", "125..");
    assertTrue(text.out().contains("steps (6 of 131: steps 125..; "), text.out());
  }

  @Test
  void aBadRangeIsOneLineAndExitTwo() {
    for (String bad : List.of("40-60", "..", "60..40", "x..3")) {
      Cli.Outcome o = Cli.run("replay", trace.toString(), "--steps-range", bad);
      assertEquals(2, o.exit(), bad + ": " + o.both());
      assertEquals(1, o.err().lines().count(), o.err());
      assertTrue(o.err().startsWith("kernsim replay: --steps-range: "), o.err());
      assertFalse(o.err().contains("Exception"), o.err());
    }
  }

  /** The table by region shows LOOP_CLR_FD's regions between two regions of the mount's as_dyn_block_device. */
  @Test
  void theInterleavingByRegionShowsWhichRegionsRanBetweenWhich() {
    Cli.Outcome o = Cli.run("replay", trace.toString(), "--interleaving", "regions");
    List<String> lines = o.lines();
    int head = lines.indexOf(lines.stream().filter(l -> l.startsWith("interleaving by region")).findFirst()
        .orElseThrow(() -> new AssertionError(o.out())));
    String header = lines.get(head + 1);
    int detacher = header.indexOf("detacher");
    int flusher = header.indexOf("flusher");
    int mounter = header.indexOf("mounter");
    assertTrue(mounter > 0 && flusher > mounter && detacher > flusher, header);
    int clr = -1;
    for (int i = head + 3; i < lines.size() && clr < 0; i++) {
      if (lines.get(i).length() > detacher && lines.get(i).substring(detacher).startsWith("LOOP_CLR_FD region")) {
        clr = i;
      }
    }
    assertTrue(clr > 0, o.out());
    int at = clr;
    boolean before = false;
    boolean after = false;
    for (int i = head + 3; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("  step ")) {
        break;
      }
      boolean mount = l.length() > mounter && l.substring(mounter, Math.min(l.length(), flusher))
          .startsWith("as_dyn_block_device");
      before |= mount && i < at;
      after |= mount && i > at;
    }
    assertTrue(before && after, o.out());
  }
}
