package org.timekeeper.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The state of an ECS service's PRIMARY deployment, and what it means for a deploy of one
 * task definition revision. The deploy is done only when the PRIMARY deployment is on that
 * revision with rolloutState COMPLETED. After the deployment circuit breaker rolled a
 * failed revision back, the service is steady again on the old revision (the
 * {@code services-stable} waiter reports success), so a PRIMARY deployment on any other
 * revision is a failure, as is FAILED.
 */
class EcsRollout implements Serializable {

    private static final long serialVersionUID = 1L

    static final String COMPLETED = 'COMPLETED'
    static final String FAILED = 'FAILED'
    static final String IN_PROGRESS = 'IN_PROGRESS'

    /** The revision the PRIMARY deployment runs; '' when the service has none. */
    final String taskDefinition
    /** IN_PROGRESS, COMPLETED or FAILED; '' when the service has no PRIMARY deployment. */
    final String state
    /** Why ECS says the rollout is in its state; '' when it gives no reason. */
    final String reason

    EcsRollout(String taskDefinition, String state, String reason) {
        this.taskDefinition = taskDefinition
        this.state = state
        this.reason = reason
    }

    /** @param primaryDeployment the tab-separated line of {@link ShellCommands#ecsPrimaryDeployment} */
    @NonCPS
    static EcsRollout parse(String primaryDeployment) {
        List<String> fields = (primaryDeployment ?: '').trim().split('\t', 3) as List
        String reason = fields.size() > 2 && fields[2] != 'None' ? fields[2].trim() : ''
        return new EcsRollout(fields[0] ?: '', fields.size() > 1 ? fields[1] : '', reason)
    }

    @NonCPS
    boolean completedOn(String revision) {
        return taskDefinition == revision && state == COMPLETED
    }

    /** @return why the deploy of {@code revision} failed, or null while it may still complete */
    @NonCPS
    String failureOf(String revision) {
        if (taskDefinition != revision) {
            return ("the deployment circuit breaker rolled the service back: the PRIMARY deployment runs " +
                    "${taskDefinition ?: 'nothing'} (${state ?: 'no state'}), not ${revision}${because()}").toString()
        }
        if (state == FAILED) {
            return ("the deployment of ${revision} FAILED${because()}; the deployment circuit breaker rolls the " +
                    'service back to its previous revision').toString()
        }
        return null
    }

    @NonCPS
    String toString() {
        return "${taskDefinition} ${state}${because()}".toString()
    }

    @NonCPS
    private String because() {
        return reason ? ": ${reason}".toString() : ''
    }
}
