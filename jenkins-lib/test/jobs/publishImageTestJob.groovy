// Calls the publishImage step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

publishImage(stepSettings)
