// Calls the requestApproval step with the settings the test gives (binding variable stepSettings).
@Library('timekeeper') _

requestApproval(stepSettings)
