package kernsim.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import kernsim.scenario.ScenarioWorld;

/** What a worker must share with the coordinator: kernsim's version and the model's. */
final class Versions {
  private Versions() {}

  static String kernsim() {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("/kernsim/cli/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // "unknown" below
    }
    return p.getProperty("version", "unknown");
  }

  static String model() {
    return ScenarioWorld.MODEL_VERSION;
  }
}
