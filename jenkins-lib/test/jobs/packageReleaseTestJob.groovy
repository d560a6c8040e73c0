// Calls packageRelease with the settings the test gives and logs the Release it returns.
@Library('timekeeper') _

def release = packageRelease(stepSettings)
echo "released ${release.service} ${release.version} from ${release.jar}"
