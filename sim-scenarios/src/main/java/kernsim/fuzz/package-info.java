/**
 * {@code kernsim fuzz} and {@code kernsim shrink}: programs generated per hart from typed resources
 * ({@link kernsim.fuzz.Generator}) within a world a {@link kernsim.fuzz.Template} sets, explored under the
 * template's strategies by a coverage-guided {@link kernsim.fuzz.Campaign}, failures deduplicated by
 * {@link kernsim.fuzz.Signature}, told apart from the programs' own by {@link kernsim.fuzz.Sequential}, and
 * minimised by {@link kernsim.fuzz.Shrinker} (the schedule by {@link kernsim.fuzz.ScheduleShrinker}). See
 * docs/fuzz.md.
 */
package kernsim.fuzz;
