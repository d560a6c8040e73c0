// Calls the deployEksService step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

deployEksService(stepSettings)
