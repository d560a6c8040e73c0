package org.timekeeper.jenkins.pipeline

/** What Jenkins' error step and a failing sh throw (hudson.AbortException there). */
class StepFailedException extends RuntimeException {

    StepFailedException(String message) {
        super(message)
    }
}
