// Calls the rollingDeploy step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

rollingDeploy(stepSettings)
