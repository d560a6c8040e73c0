// Calls the buildService step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

buildService(stepSettings)
