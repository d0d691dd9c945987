package io.stockingest.core.pipeline;

import io.stockingest.core.http.CallStats;
import java.time.Duration;
import java.util.List;

/**
 * While a run's calls are outstanding for longer than {@link #THRESHOLD}, tells {@link Progress} so once a second:
 * how many, the longest and what it waits for (retry n/N and why). Runs on its own virtual thread on the JVM's
 * clock (what a person waits), until closed. Thread-safe.
 */
final class WaitingLines implements AutoCloseable {
    static final Duration THRESHOLD = Duration.ofSeconds(10);
    private final Thread watcher;

    WaitingLines(CallStats run, Progress progress) {
        this.watcher = Thread.ofVirtual().name("waiting-lines").start(() -> {
            try {
                while (true) {
                    Thread.sleep(Duration.ofSeconds(1));
                    line(run.outstanding()).ifPresent(progress::waiting);
                }
            } catch (InterruptedException closed) {
                // the run is over
            }
        });
    }

    /** The line for these outstanding calls (longest first), if any has waited past the threshold. */
    static java.util.Optional<String> line(List<CallStats.Pending> outstanding) {
        List<CallStats.Pending> slow = outstanding.stream().filter(p -> p.age().compareTo(THRESHOLD) > 0).toList();
        if (slow.isEmpty()) {
            return java.util.Optional.empty();
        }
        CallStats.Pending longest = slow.getFirst();
        return java.util.Optional.of(String.format("waiting: %d %s outstanding for more than %d s; longest %d s: %s", slow.size(),
                slow.size() == 1 ? "request" : "requests", THRESHOLD.toSeconds(), longest.age().toSeconds(), longest.describe()));
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
