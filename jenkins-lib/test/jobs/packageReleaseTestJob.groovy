// Calls the packageRelease step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

packageRelease(stepSettings)
