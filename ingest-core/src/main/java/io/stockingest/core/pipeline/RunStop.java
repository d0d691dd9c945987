package io.stockingest.core.pipeline;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops a run at its first error of run scope (rejected credentials, bad configuration): records the error once,
 * and interrupts every other worker, so that requests waiting for the rate limiter (or for a retry) are dropped
 * instead of sent with a key the provider already refused. Work that had not started, or was dropped so, is
 * "not attempted". Thread-safe.
 */
final class RunStop {
    /** The per-symbol error of work the stop dropped; the stopping error itself is in the run's errors, once. */
    static final String NOT_ATTEMPTED = io.stockingest.core.metrics.RunReport.NOT_ATTEMPTED;
    private final AtomicReference<IngestException> cause = new AtomicReference<>();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();

    /** Runs one worker's job, interruptible by a stop; false (and nothing run) when the run has already stopped. */
    boolean run(Runnable job) {
        Thread self = Thread.currentThread();
        workers.add(self);
        try {
            if (stopped()) {
                return false;
            }
            job.run();
            return true;
        } finally {
            workers.remove(self);
            Thread.interrupted(); // a stop's interrupt must not leak into the executor's next task
        }
    }

    /** Stops the run if {@code e} is of run scope; true if it is. */
    boolean stopIfFatal(IngestException e) {
        if (e.kind().scope() != ErrorKind.Scope.RUN) {
            return false;
        }
        if (cause.compareAndSet(null, e)) {
            Thread self = Thread.currentThread();
            workers.stream().filter(worker -> worker != self).forEach(Thread::interrupt);
        }
        return true;
    }

    boolean stopped() {
        return cause.get() != null;
    }

    /** Whether a failure on this thread came from the stop (it was interrupted by it), not from the provider. */
    boolean droppedByStop() {
        return stopped() && Thread.currentThread().isInterrupted();
    }

    Optional<IngestException> cause() {
        return Optional.ofNullable(cause.get());
    }
}
