// The example's build passed; check that it found the lost deposit, wrote its trace, and replayed it.
def log = new File(basedir, 'build.log').text
assert log.contains('kernsim: expected failure found: two-deposits failed in schedule ')
assert log.contains('failure: safety-violation: [test] org.opentest4j.AssertionFailedError: the balance ==> expected: <130> but was: <')
assert log.contains('kernsim: expected failure reproduced: replayed ')
assert log.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0')
assert new File(basedir, 'target/kernsim-traces/two-deposits.trace').isFile()
return true
