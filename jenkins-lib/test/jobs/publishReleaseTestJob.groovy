// Calls the publishRelease step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

publishRelease(stepSettings)
