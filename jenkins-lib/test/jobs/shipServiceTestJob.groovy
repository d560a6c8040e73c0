// The Jenkinsfile of a service other than timekeeper, on the library's defaults: the
// smallest map shipService needs.
@Library('timekeeper') _

shipService(
        service: 'greeter',
        smokePath: '/api/hello',
        environmentUrls: [
                dev    : 'https://greeter.dev.example.test',
                staging: 'https://greeter.staging.example.test',
                prod   : 'https://greeter.example.test',
        ],
        artifactBuckets: [
                dev    : 'greeter-dev-artifacts',
                staging: 'greeter-staging-artifacts',
                prod   : 'greeter-prod-artifacts',
        ],
)
