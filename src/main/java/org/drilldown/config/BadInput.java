package org.drilldown.config;

/**
 * Input the user can fix: a flag, a file, a run id, a plan that cannot run. The command line prints its
 * message as one line and exits 2; every other exception is a failure, printed with its stack trace.
 */
public class BadInput extends RuntimeException {
    public BadInput(String message) {
        super(message);
    }

    public BadInput(String message, Throwable cause) {
        super(message, cause);
    }
}
