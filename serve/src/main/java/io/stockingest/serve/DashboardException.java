package io.stockingest.serve;

/** A read the dashboard could not do; the API answers it with 500 and the message (which never holds a secret). */
public final class DashboardException extends RuntimeException {
    public DashboardException(String message) {
        super(message);
    }

    public DashboardException(String message, Throwable cause) {
        super(message, cause);
    }
}
