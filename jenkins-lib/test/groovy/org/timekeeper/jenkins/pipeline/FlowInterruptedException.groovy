package org.timekeeper.jenkins.pipeline

/**
 * Stands in for org.jenkinsci.plugins.workflow.steps.FlowInterruptedException, which
 * Jenkins throws when an input is refused or a timeout expires.
 */
class FlowInterruptedException extends InterruptedException {

    FlowInterruptedException(String message) {
        super(message)
    }
}
