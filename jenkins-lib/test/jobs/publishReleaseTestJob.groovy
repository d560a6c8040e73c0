// Publishes the release packageRelease would have returned for greeter build 57, with the
// settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

def release = new org.timekeeper.jenkins.Release('greeter', '1.4.0-57-3f2a9c1', 'target/greeter-1.4.0-57-3f2a9c1.jar')
publishRelease([release: release] + stepSettings)
