package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * A new revision of a service's task definition: the revision it runs now, as
 * {@code describe-task-definition} prints it, with one container's image swapped and
 * only the fields {@code register-task-definition} accepts (ECS adds read-only ones such
 * as the ARN, revision, status and registration time). Everything else, roles, sizes,
 * timings and logging, stays what the stack defined.
 */
class EcsTaskDefinition implements Serializable {

    private static final long serialVersionUID = 1L

    /** The fields of a described task definition that register-task-definition takes back. */
    static final List<String> REGISTRABLE_FIELDS = [
            'family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'volumes',
            'placementConstraints', 'requiresCompatibilities', 'cpu', 'memory', 'pidMode', 'ipcMode',
            'proxyConfiguration', 'inferenceAccelerators', 'ephemeralStorage', 'runtimePlatform',
    ].asImmutable()

    /** {@code <registry>/<repository>:<tag>} or {@code ...@sha256:<digest>}. */
    static final String IMAGE_PATTERN = /[a-z0-9][a-z0-9.-]*(:[0-9]+)?\/[a-z0-9][a-z0-9._\/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})/

    /**
     * @param described the current revision (parsed JSON)
     * @param container the container whose image changes; '' for the only container
     * @return what to register: the registrable fields, the container on {@code image}
     * @throws IllegalArgumentException naming the setting 'container' when it names no container
     */
    @NonCPS
    static Map withImage(String stepName, Map described, String container, String image) {
        List containers = (described.containerDefinitions ?: []) as List
        List<String> names = containers.collect { it.name as String }
        String target = container ?: (names.size() == 1 ? names[0] : null)
        if (target == null || !names.contains(target)) {
            throw new IllegalArgumentException(("${stepName}: setting 'container' must name one of the task " +
                    "definition's containers ${names}, got '${container}'").toString())
        }
        Map registrable = [:]
        REGISTRABLE_FIELDS.findAll { described[it] != null }.each { registrable[it] = described[it] }
        registrable.containerDefinitions = containers.collect { Map definition ->
            Map copy = new LinkedHashMap(definition)
            if (definition.name == target) {
                copy.image = image
            }
            return copy
        }
        return registrable
    }
}
