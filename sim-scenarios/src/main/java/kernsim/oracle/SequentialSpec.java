package kernsim.oracle;

/**
 * A profile's sequential semantics, for the errno oracle: from a state, the outcomes a call may have
 * when it runs alone, and the state after each. Implementations are deterministic functions of their
 * arguments; where the profile has choices they do not track, they allow every outcome those choices
 * give (a false alarm is worse than a missed violation).
 */
interface SequentialSpec {
  /** The profile's name, as {@code dev.Semantics} has it. */
  String profile();

  /** The state of a booted kernel before the setup hart's first statement. */
  SpecState initial();

  /**
   * Whether {@code call} is taken in two parts, a {@link Call#claim} and then the call itself, because the
   * profile's code makes part of its effect visible to other processes long before the rest (starry's
   * ext4 mount claims the device before it attaches the mount). None by default.
   */
  default boolean claimsFirst(kernsim.cpu.call.Call call) {
    return false;
  }

  /** Allows in {@code out} each outcome {@code call} may have in {@code state}, with the state after it. */
  void step(SpecState state, Call call, Outcomes out);

  /**
   * The specification of {@code semantics}' profile with its fixes. A fix changes what a sequential run may
   * return only where it reorders a call's checks: {@code write-at-file-first} makes a write to a device
   * that is both unbound and read-only EPERM instead of EROFS.
   */
  static SequentialSpec of(kernsim.dev.Semantics semantics) {
    if (semantics.profile().equals("starry")) {
      return new StarrySpec(semantics.has(kernsim.dev.Fix.WRITE_AT_FILE_FIRST));
    }
    return forProfile(semantics.profile());
  }

  /**
   * {@code inner}, where every call may also fail with EIO and change nothing the specification follows: the
   * specification of a world whose fault plan injects I/O errors into its backing files (docs/faults.md).
   * Which calls meet an injected error depends on the plan's counts and draws, which the specification does
   * not follow; a failed call leaves the device and fd state as it was (loop state is not changed by an I/O
   * error; the data it loses is the durability and errseq oracles' concern).
   */
  static SequentialSpec withInjectedEio(SequentialSpec inner) {
    return new SequentialSpec() {
      @Override
      public String profile() {
        return inner.profile();
      }

      @Override
      public SpecState initial() {
        return inner.initial();
      }

      @Override
      public boolean claimsFirst(kernsim.cpu.call.Call call) {
        return inner.claimsFirst(call);
      }

      @Override
      public void step(SpecState state, Call call, Outcomes out) {
        inner.step(state, call, out);
        out.allow(Outcomes.err(kernsim.dev.Errno.EIO), state, out.explaining() ? "an injected I/O error" : null);
      }
    };
  }

  /** The specification of {@code profile}, without fixes. */
  static SequentialSpec forProfile(String profile) {
    if (profile.equals("starry")) {
      return new StarrySpec();
    }
    if (profile.equals("linux")) {
      return new LinuxSpec();
    }
    throw new IllegalArgumentException("no sequential specification for profile '" + profile + "'");
  }
}
