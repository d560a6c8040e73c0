package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * What deployEksService applies: a kustomization of its own, in the workspace, over the
 * environment's overlay of the repository (kubernetes/overlays/<environment>), with the
 * release's image in place of the one the manifests name. So the repository's manifests stay
 * as they are, and one `kubectl apply -k` brings the manifests and the image together: no
 * apply ever runs the manifests' placeholder image, and no second rollout follows.
 */
class KustomizeRelease implements Serializable {

    private static final long serialVersionUID = 1L

    /** The folder in the workspace that holds the release's kustomization.yaml. */
    static final String DIRECTORY = 'eks-release'
    /** An image name as a kustomization's `images` entry matches it (the manifests' container image). */
    static final String IMAGE_NAME_PATTERN = /[a-z0-9][a-z0-9._\/-]*/

    /** The overlay of an environment, relative to the workspace. */
    @NonCPS
    static String overlay(String overlaysDirectory, Environment environment) {
        return "${overlaysDirectory}/${environment.name}".toString()
    }

    /**
     * The kustomization.yaml of the release: the overlay (seen from {@link #DIRECTORY}) with
     * the image {@code imageName} replaced by {@code image} (<repository>:<tag> or @sha256:digest).
     */
    @NonCPS
    static String kustomization(String overlay, String imageName, String image) {
        List<String> lines = [
                'apiVersion: kustomize.config.k8s.io/v1beta1',
                'kind: Kustomization',
                'resources:',
                "- ../${overlay}".toString(),
                'images:',
                "- name: ${imageName}".toString(),
        ]
        int digest = image.indexOf('@')
        if (digest >= 0) {
            lines << "  newName: ${image.substring(0, digest)}".toString()
            lines << "  digest: ${image.substring(digest + 1)}".toString()
        } else {
            // the tag's colon is the last one after the last slash (a registry may have a port)
            int tag = image.lastIndexOf(':')
            lines << "  newName: ${image.substring(0, tag)}".toString()
            lines << "  newTag: \"${image.substring(tag + 1)}\"".toString()
        }
        return lines.join('\n') + '\n'
    }
}
