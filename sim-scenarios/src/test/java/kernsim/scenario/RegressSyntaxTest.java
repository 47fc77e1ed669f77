package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.dev.Regress;
import org.junit.jupiter.api.Test;

/** The {@code regress NAME} header line and the settings it makes: what it accepts, refuses, and records. */
class RegressSyntaxTest {
  private static final String BODY = "hart 1:\n  ld = open(\"/dev/loop0\", O_RDWR)\n";

  private static ScenarioException error(String text) {
    return assertThrows(ScenarioException.class, () -> Scenarios.parse(text, "bad.ksim"));
  }

  private static void assertError(String text, int line, int col, String reason) {
    ScenarioException e = error(text);
    assertEquals(reason, e.reason(), e.getMessage());
    assertEquals(line + ":" + col, e.line() + ":" + e.column(), e.getMessage());
  }

  @Test
  void aRegressLineNeedsAKnownNameOnceAndTheLinuxProfile() {
    assertError("profile linux\nregress async-autoclea\n" + BODY, 2, 9, "unknown regress toggle `async-autoclea`; did you"
        + " mean async-autoclear? expected one of: " + String.join(", ", Regress.ids()));
    assertError("profile linux\nregress clr-fd-sync\nregress clr-fd-sync\n" + BODY, 3, 9, "regress `clr-fd-sync` given twice");
    assertError("regress clr-fd-sync\n" + BODY, 1, 9,
        "`regress clr-fd-sync` is a linux toggle: the scenario needs `profile linux` (it is starry)");
  }

  @Test
  void theScenariosTogglesAreOnUnlessTurnedOffAndTheTraceHeaderCarriesThem() throws Exception {
    Scenario s = Scenarios.parse("profile linux\nregress clr-fd-sync\nregress async-autoclear\n" + BODY, "ok.ksim");
    assertEquals(List.of(Regress.CLR_FD_SYNC, Regress.ASYNC_AUTOCLEAR), s.regressions());
    Settings on = Settings.of(s, null, List.of(), List.of());
    assertTrue(on.semantics().has(Regress.CLR_FD_SYNC) && on.semantics().has(Regress.ASYNC_AUTOCLEAR));
    assertEquals("async-autoclear,clr-fd-sync", on.options().get("regress"));
    assertEquals(on, Settings.fromOptions(on.options()));

    Settings less = Settings.of(s, null, List.of(), List.of("remove-open-abba"), List.of("clr-fd-sync"), List.of());
    assertEquals("remove-open-abba,async-autoclear", less.semantics().regressList());

    Settings none = Settings.of(s, null, List.of(), List.of(), List.of("clr-fd-sync", "async-autoclear"), List.of());
    assertTrue(none.semantics().regressions().isEmpty());
    assertTrue(!none.options().containsKey("regress"), "no regress key without a toggle: older traces read the same");
  }

  @Test
  void aToggleUnderStarryOrAnUnknownNameIsRefused() throws Exception {
    Scenario starry = Scenarios.parse(BODY, "starry.ksim");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Settings.of(starry, null, List.of(), List.of("clr-fd-sync"), List.of(), List.of()));
    assertEquals("regress toggles (clr-fd-sync) apply to the linux profile only, not starry", e.getMessage());
    IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
        () -> Settings.of(starry, "linux", List.of(), List.of("nope"), List.of(), List.of()));
    assertTrue(u.getMessage().startsWith("unknown regress toggle 'nope' (known: concurrent-open-release"), u.getMessage());
  }
}
