// Calls shipService with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

shipService(stepSettings)
