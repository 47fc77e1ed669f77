/**
 * {@code kernsim fuzz} and {@code kernsim shrink}: programs generated per hart from typed resources
 * ({@link kernsim.fuzz.Generator}) within a world a {@link kernsim.fuzz.Template} sets, explored under PCT
 * by a coverage-guided {@link kernsim.fuzz.Campaign}, failures deduplicated by {@link kernsim.fuzz.Signature}
 * and minimised by {@link kernsim.fuzz.Shrinker}. See docs/fuzz.md.
 */
package kernsim.fuzz;
