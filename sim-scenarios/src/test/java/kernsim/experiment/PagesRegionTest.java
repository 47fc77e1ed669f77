package kernsim.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --doc-region}: one file holds several plans' generated tables, each spliced into its own region. */
class PagesRegionTest {
  @Test
  void aNamedRegionIsReplacedAndTheUnnamedOneIsLeftAlone() {
    String doc = "# d\n" + Pages.BEGIN + "\ncatalog\n" + Pages.END + "\n\n## linux\n" + Pages.begin("linux")
        + "\nold\n" + Pages.end("linux") + "\ntail\n";
    assertEquals("<!-- BEGIN kernsim experiment linux: generated from results.csv, do not edit -->", Pages.begin("linux"));
    assertEquals("<!-- END kernsim experiment linux -->", Pages.end("linux"));
    String linux = Pages.splice(doc, "NEW", "linux");
    assertTrue(linux.contains(Pages.BEGIN + "\ncatalog\n" + Pages.END), linux);
    assertTrue(linux.contains(Pages.begin("linux") + "\n\nNEW\n" + Pages.end("linux") + "\ntail\n"), linux);
    String unnamed = Pages.splice(doc, "CAT", null);
    assertTrue(unnamed.contains(Pages.BEGIN + "\n\nCAT\n" + Pages.END), unnamed);
    assertTrue(unnamed.contains("\nold\n"), unnamed);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pages.splice(doc, "x", "clients"));
    assertTrue(e.getMessage().contains("BEGIN kernsim experiment clients:"), e.getMessage());
  }
}
