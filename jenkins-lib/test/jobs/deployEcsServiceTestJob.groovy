// Calls the deployEcsService step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

deployEcsService(stepSettings)
