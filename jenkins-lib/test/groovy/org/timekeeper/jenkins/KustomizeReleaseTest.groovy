package org.timekeeper.jenkins

import static org.junit.Assert.assertEquals

import org.junit.Test

class KustomizeReleaseTest {

    @Test
    void aTaggedImageBecomesTheNameAndTagOfTheImagesEntry() {
        assertEquals('''apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../kubernetes/overlays/prod
images:
- name: greeter
  newName: registry.example.test:5000/team/greeter
  newTag: "1.4.0"
''', KustomizeRelease.kustomization('kubernetes/overlays/prod', 'greeter', 'registry.example.test:5000/team/greeter:1.4.0'))
    }

    @Test
    void anImageByDigestKeepsItsDigest() {
        String digest = 'sha256:' + 'a' * 64
        String kustomization = KustomizeRelease.kustomization('k8s/dev', 'greeter', "registry.example.test/greeter@${digest}")
        assertEquals(['  newName: registry.example.test/greeter', "  digest: ${digest}".toString()],
                kustomization.readLines().drop(6))
    }

    @Test
    void theOverlayOfAnEnvironmentIsItsFolder() {
        assertEquals('kubernetes/overlays/staging', KustomizeRelease.overlay('kubernetes/overlays', Environment.named('staging')))
    }
}
