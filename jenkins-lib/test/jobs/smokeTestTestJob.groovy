// Calls the smokeTest step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

smokeTest(stepSettings)
