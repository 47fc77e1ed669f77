/**
 * The scenario language ({@code .ksim}): {@link kernsim.scenario.Scenarios#parse} reads a scenario's
 * header, setup and hart blocks and compiles each statement to a {@code cpu.Stmt} through the model's
 * syscall table; {@link kernsim.scenario.Scenario#kernelSpec} is the kernel to boot. Mistakes are
 * {@link kernsim.scenario.ScenarioException}s naming file, line and column. The language is described
 * in {@code docs/scenarios.md}.
 *
 * <p>Inside: {@code Lexer} (one line to tokens), {@code Parser} (lines to header and blocks, setup
 * commands), {@code CallTable} (each call's parameters and its compiler), {@code Constants} (the C names
 * by family, read from the model's own tables).
 */
package kernsim.scenario;
