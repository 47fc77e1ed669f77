package com.example.kernel;

import java.nio.file.Path;
import java.util.stream.Stream;
import kernsim.junit.scenarios.KsimTests;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class KernelRacesTest {
  /** kernsim's race catalog, kept as known races: each must still be found as its header expects. */
  @TestFactory
  Stream<DynamicTest> catalog() {
    return KsimTests.catalog().strategy("pct").seed(1).iterations(5000).knownRaces().tests();
  }

  /** Our own scenarios, one test each; a trace for each race found goes to target/kernsim-traces. */
  @TestFactory
  Stream<DynamicTest> ours() {
    return KsimTests.directory(Path.of("src", "test", "ksim")).iterations(5000).knownRaces().tests();
  }
}
