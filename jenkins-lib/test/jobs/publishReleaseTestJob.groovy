// Publishes the release packageRelease would have returned for greeter build 57, with the
// settings the test gives (binding variable stepSettings), and logs the digests it returns.
@Library('timekeeper') _

def release = new org.timekeeper.jenkins.Release('greeter', '1.4.0-57-3f2a9c1', 'target/greeter-1.4.0-57-3f2a9c1.jar',
        stepSettings.remove('givenSha256') ?: '', stepSettings.remove('givenBundleSha256') ?: '')
def published = publishRelease([release: release] + stepSettings)
echo "published ${published} sha256 '${published.sha256}' bundle sha256 '${published.bundleSha256}'"
