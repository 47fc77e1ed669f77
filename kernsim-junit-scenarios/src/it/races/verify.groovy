// The project's build passed; check that every race was found and its trace written.
def log = new File(basedir, 'build.log').text
assert log.contains('kernsim: known race found: triad failed in schedule ')
assert log.contains('kernsim: known race found: lock-order failed in schedule ')
assert log.contains('failure: deadlock: wait-for cycle: ')
assert log.contains('Tests run: 8, Failures: 0, Errors: 0, Skipped: 0')
assert new File(basedir, 'target/kernsim-traces/lock-order-1.trace').isFile()
assert new File(basedir, 'target/kernsim-traces/triad-1.trace').isFile()
return true
