package kernsim.junit.scenarios;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Test classes as a kernel team writes them, run by {@link KsimTestsTest} through JUnit's EngineTestKit
 * (nested classes: Surefire does not run them on their own).
 */
final class Samples {
  private Samples() {}

  /** Set by the test before it runs a sample. */
  static Path traces;

  /** The repository's examples directory (the module runs from its own directory). */
  static final Path EXAMPLES = Path.of("..", "examples");

  static class CatalogKnownRaces {
    @TestFactory
    Stream<DynamicTest> catalog() {
      return KsimTests.catalog().iterations(KsimTestsTest.BUDGET).traceDir(traces).knownRaces().tests();
    }
  }

  static class ExamplesMustPass {
    @TestFactory
    Stream<DynamicTest> examples() {
      return KsimTests.directory(EXAMPLES).iterations(KsimTestsTest.BUDGET).traceDir(traces).tests();
    }
  }

  static class ExamplesKnownRaces {
    @TestFactory
    Stream<DynamicTest> examples() {
      return KsimTests.directory(EXAMPLES).iterations(KsimTestsTest.BUDGET).traceDir(traces).knownRaces().tests();
    }
  }

  /** The directory {@link KsimTestsTest} wrote a fixed triad into. */
  static Path fixed;

  static class FixedMustPass {
    @TestFactory
    Stream<DynamicTest> fixed() {
      return KsimTests.directory(fixed).iterations(300).traceDir(traces).tests();
    }
  }

  static class FixedKnownRaces {
    @TestFactory
    Stream<DynamicTest> fixed() {
      return KsimTests.directory(fixed).iterations(300).traceDir(traces).knownRaces().tests();
    }
  }
}
